package dev.keel.server.features;

/**
 * Every test of {@link FeatureApiTest} on a server whose metadata database is PostgreSQL (a fresh
 * schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when unset): {@link FeatureApiTest#start}
 * starts the server on PostgreSQL for this class.
 */
class FeatureApiPostgresIT extends FeatureApiTest {}
