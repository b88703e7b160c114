package dev.keel.server.identity;

import dev.keel.store.TestDatabases;
import java.util.Optional;

/** {@link IdentityReferencesTest} on PostgreSQL (a fresh schema per test). */
class IdentityReferencesPostgresIT extends IdentityReferencesTest {
  @Override
  Optional<String> database() {
    return TestDatabases.postgresUrl().map(u -> TestDatabases.freshPostgresSchemaUrl());
  }
}
