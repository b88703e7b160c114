package dev.keel.registry;

import dev.keel.catalog.Viewer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * Storage contract for registered models, versions, tags and aliases. Names are already checked and
 * lower-cased by {@link RegistryService}; {@code fullName} is {@code catalog.schema.model}.
 * Implementations check existence inside the same transaction as the write, so a rejected request
 * changes nothing. Failures are {@code KeelException}s with MLflow's codes ({@code NOT_FOUND},
 * {@code ALREADY_EXISTS}); the Unity Catalog edge translates them. Thread-safe.
 */
public interface RegistryStore {

  /** Stores a new model; {@code ALREADY_EXISTS} when the full name is taken. */
  void createModel(RegisteredModel model);

  Optional<RegisteredModel> getModel(String fullName);

  /**
   * Models matching every clause (and the catalog and schema when given), ordered by {@code
   * orderBy}, skipping {@code offset}, at most {@code limit}.
   */
  default List<RegisteredModel> searchModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    return searchModels(catalogName, schemaName, clauses, orderBy, offset, limit, Viewer.ALL);
  }

  /** As above, only the models {@code viewer} may see (filtered before paging). */
  List<RegisteredModel> searchModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit,
      Viewer viewer);

  /**
   * Renames a model and/or changes its comment ({@code ""} clears it) and returns it as stored.
   * Versions follow the rename; their storage locations keep the path they were created with.
   */
  /** Hands a model to another owner; {@code NOT_FOUND} for an unknown model. */
  RegisteredModel setModelOwner(String fullName, String owner, long now, String principal);

  RegisteredModel updateModel(
      String fullName,
      Optional<String[]> newName,
      Optional<String> comment,
      long now,
      String principal);

  /** Deletes a model with its versions, their lineage, tags, aliases and alias history. */
  void deleteModel(String fullName);

  void setModelTag(String fullName, String key, String value, long now, String principal);

  void deleteModelTag(String fullName, String key, long now, String principal);

  /**
   * Allocates the model's next version number (never reused, even after deletes) and stores the
   * version, all in one transaction.
   *
   * @param location the storage location for a version number
   */
  default ModelVersion createVersion(
      String fullName, VersionDraft draft, LongFunction<String> location, long now, String by) {
    return createVersion(fullName, draft, location, Optional.empty(), now, by);
  }

  /**
   * As {@link #createVersion(String, VersionDraft, LongFunction, long, String)}, with the version's
   * registration already owned by {@code registrationOwner} (heart-beaten from {@code now}) when
   * given: the server that will copy and check its files at once.
   */
  ModelVersion createVersion(
      String fullName,
      VersionDraft draft,
      LongFunction<String> location,
      Optional<String> registrationOwner,
      long now,
      String by);

  /**
   * Takes the registration of a {@code PENDING_REGISTRATION} version for {@code owner}: succeeds
   * when nobody owns it, {@code owner} already does, or its owner's last heartbeat is older than
   * {@code staleBefore} (that server is presumed dead). False when the version is not pending or a
   * live owner holds it.
   */
  boolean claimRegistration(
      String fullName, long version, String owner, long now, long staleBefore);

  /**
   * A finalized (READY or FAILED_REGISTRATION) version whose storage location is one of {@code
   * locations} or starts with {@code prefix}; empty when there is none.
   */
  Optional<ModelVersion> finalizedVersionAt(List<String> locations, String prefix);

  /** Marks every pending registration owned by {@code owner} as alive at {@code now}. */
  int heartbeatRegistrations(String owner, long now);

  /**
   * Pending versions whose registration has an owner whose last heartbeat is older than {@code
   * staleBefore}: interrupted registrations (oldest heartbeat first, at most {@code limit}).
   */
  List<ModelVersion> abandonedRegistrations(long staleBefore, int limit);

  Optional<ModelVersion> getVersion(String fullName, long version);

  /**
   * The lineage stored with each of the given versions (by {@link ModelVersion#id()}); versions
   * without one (not created from a run) are absent from the map.
   */
  Map<String, VersionLineage> lineages(List<String> versionIds);

  /**
   * Versions matching every clause (and the model when given), ordered by {@code orderBy}, skipping
   * {@code offset}, at most {@code limit}; {@code status} filters by status when present.
   */
  List<ModelVersion> searchVersions(
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit);

  /**
   * For each of {@code fullNames} that has one, its latest READY version, in one read: what
   * MLflow's {@code latest_versions} shows for a page of models.
   */
  Map<String, ModelVersion> latestReadyVersions(List<String> fullNames);

  /** Changes a version's comment ({@code ""} clears it) and returns it as stored. */
  ModelVersion updateVersionComment(
      String fullName, long version, String comment, long now, String principal);

  /**
   * Sets a version's status and status message, ends its registration (clears the owner) and sets
   * {@code systemTags} (tags Keel itself writes, such as {@code keel.servable}), all in one
   * transaction; returns the version as stored.
   */
  ModelVersion setVersionStatus(
      String fullName,
      long version,
      ModelVersionStatus status,
      Optional<String> message,
      Map<String, String> systemTags,
      long now,
      String principal);

  /**
   * Deletes a version with its tags; aliases pointing at it are removed (and the move recorded).
   */
  void deleteVersion(String fullName, long version, long now, String principal);

  /**
   * Sets a version tag. With {@code fixedOnceReady}, a READY version refuses it; the status is read
   * under the version's row lock, so a finalize cannot slip in between the check and the write.
   */
  void setVersionTag(
      String fullName,
      long version,
      String key,
      String value,
      boolean fixedOnceReady,
      long now,
      String principal);

  /** Deletes a version tag; {@code fixedOnceReady} as in {@link #setVersionTag}. */
  void deleteVersionTag(
      String fullName,
      long version,
      String key,
      boolean fixedOnceReady,
      long now,
      String principal);

  /** Points {@code alias} at an existing version and records the move. */
  void setAlias(String fullName, String alias, long version, long now, String principal);

  /** Removes {@code alias} and records the move; nothing happens when it is not set. */
  void deleteAlias(String fullName, String alias, long now, String principal);

  /** The version {@code alias} points at, when set. */
  OptionalLong aliasVersion(String fullName, String alias);

  /**
   * The whole version {@code alias} points at, in one read (the serving path resolves aliases
   * here); empty when the alias is not set, 404 when the model does not exist.
   */
  Optional<ModelVersion> versionByAlias(String fullName, String alias);

  /** Every move of {@code alias}, oldest first. */
  List<AliasMove> aliasHistory(String fullName, String alias);

  /**
   * Models created, versions that became READY and aliases set at or after {@code sinceMillis},
   * oldest first, at most {@code limit}: read from durable facts, so changes made by any server, or
   * while nobody listened, are all there.
   */
  List<RegistryEvent> eventsSince(long sinceMillis, int limit);

  /**
   * Runs {@code onChange} when another server sharing the database committed a registry change (and
   * whenever such announcements may have been missed).
   */
  dev.keel.store.Subscription subscribe(Runnable onChange);
}
