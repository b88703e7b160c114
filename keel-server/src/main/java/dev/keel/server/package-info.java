/**
 * Keel's composition root. {@link dev.keel.server.KeelServer} builds the metadata database, the
 * stores, the services and the HTTP routes with {@code new}, and serves them with Javalin on a pool
 * of platform threads. Routes live per capability ({@code tracking}, ...) and are thin: parse,
 * validate, call the service, write JSON. {@code http} holds the edge: request decoding, the one
 * error translator, route access declarations and request metrics.
 */
package dev.keel.server;
