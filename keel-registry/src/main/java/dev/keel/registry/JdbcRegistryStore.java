package dev.keel.registry;

import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

/**
 * {@link RegistryStore} on Keel's metadata database (SQLite or PostgreSQL), tables from {@code
 * V3__registry.sql}. Searches run in the database (filters, order and paging in SQL). Thread-safe.
 *
 * <p>A facade: models in {@code JdbcModelSql}, versions in {@code JdbcVersionSql}, lineage in
 * {@code JdbcLineageSql}, aliases in {@code JdbcAliasSql}, shared SQL in {@code JdbcRegistryRows},
 * write transactions in {@code RegistryChanges}.
 */
public final class JdbcRegistryStore implements RegistryStore {
  /** The channel on which registry changes are announced to other servers on the same database. */
  static final String CHANNEL = "keel_registry";

  private final RegistryChanges changes;
  private final JdbcModelSql models;
  private final JdbcVersionSql versions;
  private final JdbcLineageSql lineage;
  private final JdbcAliasSql aliases;
  private final JdbcRegistryEventSql events;
  private final Database db;

  public JdbcRegistryStore(Database db) {
    Objects.requireNonNull(db, "db");
    AliasCache cache = new AliasCache();
    cache.listenTo(db.subscribe(CHANNEL, cache::invalidate));
    this.changes = new RegistryChanges(db, cache);
    this.models = new JdbcModelSql(db, changes);
    this.versions = new JdbcVersionSql(db, changes);
    this.lineage = new JdbcLineageSql(db);
    this.aliases = new JdbcAliasSql(db, changes, cache);
    this.events = new JdbcRegistryEventSql(db);
    this.db = db;
  }

  @Override
  public List<RegistryEvent> eventsSince(long sinceMillis, int limit) {
    return events.eventsSince(sinceMillis, limit);
  }

  @Override
  public dev.keel.store.Subscription subscribe(Runnable onChange) {
    return db.subscribe(CHANNEL, onChange);
  }

  /**
   * Marks the transaction of {@code h} as a registry change made outside this store (catalog
   * cascades): cached alias answers are dropped when it commits, here and on other servers.
   */
  void changed(Handle h) {
    changes.changed(h);
  }

  // ---------------------------------------------------------------- models

  @Override
  public void createModel(RegisteredModel m) {
    models.createModel(m);
  }

  @Override
  public Optional<RegisteredModel> getModel(String fullName) {
    return models.getModel(fullName);
  }

  @Override
  public List<RegisteredModel> searchModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit,
      dev.keel.catalog.Viewer viewer) {
    return models.searchModels(catalogName, schemaName, clauses, orderBy, offset, limit, viewer);
  }

  @Override
  public RegisteredModel setModelOwner(String fullName, String owner, long now, String principal) {
    return models.setModelOwner(fullName, owner, now, principal);
  }

  @Override
  public RegisteredModel updateModel(
      String fullName,
      Optional<String[]> newName,
      Optional<String> comment,
      long now,
      String principal) {
    return models.updateModel(fullName, newName, comment, now, principal);
  }

  @Override
  public void deleteModel(String fullName) {
    models.deleteModel(fullName);
  }

  /** Deletes one model's rows (versions, lineage, tags, aliases, history) on {@code h}. */
  static void deleteModelRows(Handle h, String id) {
    JdbcModelSql.deleteModelRows(h, id);
  }

  @Override
  public void setModelTag(String fullName, String key, String value, long now, String principal) {
    models.setModelTag(fullName, key, value, now, principal);
  }

  @Override
  public void deleteModelTag(String fullName, String key, long now, String principal) {
    models.deleteModelTag(fullName, key, now, principal);
  }

  // ---------------------------------------------------------------- versions

  @Override
  public ModelVersion createVersion(
      String fullName,
      VersionDraft d,
      LongFunction<String> location,
      Optional<String> registrationOwner,
      long now,
      String by) {
    return versions.createVersion(fullName, d, location, registrationOwner, now, by);
  }

  @Override
  public boolean claimRegistration(
      String fullName, long version, String owner, long now, long staleBefore) {
    return versions.claimRegistration(fullName, version, owner, now, staleBefore);
  }

  @Override
  public Optional<ModelVersion> finalizedVersionAt(List<String> locations, String prefix) {
    return versions.finalizedVersionAt(locations, prefix);
  }

  @Override
  public int heartbeatRegistrations(String owner, long now) {
    return versions.heartbeat(owner, now);
  }

  @Override
  public List<ModelVersion> abandonedRegistrations(long staleBefore, int limit) {
    return versions.abandonedRegistrations(staleBefore, limit);
  }

  @Override
  public Map<String, VersionLineage> lineages(List<String> versionIds) {
    return lineage.lineages(versionIds);
  }

  @Override
  public Optional<ModelVersion> getVersion(String fullName, long version) {
    return versions.getVersion(fullName, version);
  }

  @Override
  public List<ModelVersion> searchVersions(
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    return versions.searchVersions(fullName, status, clauses, orderBy, offset, limit);
  }

  @Override
  public Map<String, ModelVersion> latestReadyVersions(List<String> fullNames) {
    return versions.latestReadyVersions(fullNames);
  }

  @Override
  public ModelVersion updateVersionComment(
      String fullName, long version, String comment, long now, String principal) {
    return versions.updateVersionComment(fullName, version, comment, now, principal);
  }

  @Override
  public ModelVersion setVersionStatus(
      String fullName,
      long version,
      ModelVersionStatus status,
      Optional<String> message,
      Map<String, String> systemTags,
      long now,
      String principal) {
    return versions.setVersionStatus(
        fullName, version, status, message, systemTags, now, principal);
  }

  @Override
  public void deleteVersion(String fullName, long version, long now, String principal) {
    versions.deleteVersion(fullName, version, now, principal);
  }

  @Override
  public void setVersionTag(
      String fullName,
      long version,
      String key,
      String value,
      boolean fixedOnceReady,
      long now,
      String principal) {
    versions.setVersionTag(fullName, version, key, value, fixedOnceReady, now, principal);
  }

  @Override
  public void deleteVersionTag(
      String fullName,
      long version,
      String key,
      boolean fixedOnceReady,
      long now,
      String principal) {
    versions.deleteVersionTag(fullName, version, key, fixedOnceReady, now, principal);
  }

  // ---------------------------------------------------------------- aliases

  @Override
  public void setAlias(String fullName, String alias, long version, long now, String principal) {
    aliases.setAlias(fullName, alias, version, now, principal);
  }

  @Override
  public void deleteAlias(String fullName, String alias, long now, String principal) {
    aliases.deleteAlias(fullName, alias, now, principal);
  }

  @Override
  public OptionalLong aliasVersion(String fullName, String alias) {
    return aliases.aliasVersion(fullName, alias);
  }

  @Override
  public Optional<ModelVersion> versionByAlias(String fullName, String alias) {
    return aliases.versionByAlias(fullName, alias);
  }

  @Override
  public List<AliasMove> aliasHistory(String fullName, String alias) {
    return aliases.aliasHistory(fullName, alias);
  }

  // ---------------------------------------------------------------- errors

  static KeelException modelNotFound(String fullName) {
    return JdbcRegistryRows.modelNotFound(fullName);
  }

  static KeelException versionNotFound(String fullName, long version) {
    return JdbcRegistryRows.versionNotFound(fullName, version);
  }
}
