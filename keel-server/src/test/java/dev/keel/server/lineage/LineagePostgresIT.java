package dev.keel.server.lineage;

/**
 * Every test of {@link LineageApiTest} on a server whose metadata database is PostgreSQL (a fresh
 * schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when unset).
 */
class LineagePostgresIT extends LineageApiTest {}
