package dev.keel.server.governance;

/** {@link ExperimentPermissionsApiTest} on PostgreSQL (skipped without KEEL_TEST_POSTGRES_URL). */
class ExperimentPermissionsApiPostgresIT extends ExperimentPermissionsApiTest {}
