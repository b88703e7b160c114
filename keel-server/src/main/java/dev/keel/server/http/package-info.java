/** The server's own routes: liveness, readiness, version, Prometheus metrics. */
package dev.keel.server.http;
