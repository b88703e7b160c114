package dev.keel.registry;

import static dev.keel.registry.RegistryNames.alias;
import static dev.keel.registry.RegistryNames.joined;
import static dev.keel.registry.RegistryService.PRINCIPAL;

import dev.keel.core.KeelException;
import java.time.Clock;
import java.util.List;

/** Owns aliases: set, delete, look-up (through the store's alias cache) and move history. */
final class AliasOps {
  private final RegistryStore store;
  private final ModelOps models;
  private final VersionOps versions;
  private final Clock clock;
  private final RegistryListeners listeners;

  AliasOps(
      RegistryStore store,
      ModelOps models,
      VersionOps versions,
      Clock clock,
      RegistryListeners listeners) {
    this.listeners = listeners;
    this.store = store;
    this.models = models;
    this.versions = versions;
    this.clock = clock;
  }

  void setAlias(String fullName, String alias, long version) {
    String a = alias(alias);
    String n = joined("name", fullName);
    versions.getVersion(n, version);
    long now = clock.millis();
    store.setAlias(n, a, version, now, PRINCIPAL);
    listeners.aliasSet(n, a, version, now);
  }

  void deleteAlias(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    models.getModel(n);
    store.deleteAlias(n, a, clock.millis(), PRINCIPAL);
  }

  ModelVersion versionByAlias(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    return store
        .versionByAlias(n, a)
        .orElseThrow(
            () -> KeelException.notFound("Registered model '" + n + "' has no alias '" + a + "'."));
  }

  List<AliasMove> aliasHistory(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    models.getModel(n);
    return store.aliasHistory(n, a);
  }
}
