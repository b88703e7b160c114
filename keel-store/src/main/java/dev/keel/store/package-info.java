/**
 * Keel's metadata database. {@link dev.keel.store.Database} opens the embedded SQLite file (WAL,
 * durable commits, one writer connection so writers queue in Java and never see "database is
 * locked", a pool of read-only connections) or PostgreSQL, runs the per-dialect Flyway migrations
 * under {@code db/migration/<dialect>} and hands out Jdbi handles inside transactions.
 */
package dev.keel.store;
