package dev.keel.server.serving;

/**
 * Every test of {@link ServingEndpointsApiTest} on a server whose metadata database is PostgreSQL
 * (a fresh schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when unset): {@link
 * ServingEndpointsApiTest#start} starts the server on PostgreSQL for this class.
 */
class ServingEndpointsApiPostgresIT extends ServingEndpointsApiTest {}
