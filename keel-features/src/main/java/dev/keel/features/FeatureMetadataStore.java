package dev.keel.features;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where the feature store keeps its metadata; {@link JdbcFeatureMetadataStore} is the one. */
public interface FeatureMetadataStore {
  /**
   * A feature table's registration, keyed by the table's id.
   *
   * @param creationTimeColumn the column the table declared as its creation time, if any (else
   *     {@code _ingested_at} serves)
   */
  record Registration(
      String tableId,
      FeatureMetadata metadata,
      String owner,
      long createdAt,
      String createdBy,
      long updatedAt,
      String updatedBy,
      Optional<String> creationTimeColumn) {}

  /**
   * A stored feature spec.
   *
   * @param lookupsJson the spec's document: {@code {"format_version": 1, "lookups": [...]}}, or,
   *     for specs stored before format versions were recorded, the bare array of lookups
   */
  record StoredSpec(
      String catalogName,
      String schemaName,
      String name,
      String lookupsJson,
      Optional<String> comment,
      String owner,
      long createdAt,
      String createdBy) {}

  /** The last publish of a table into a store. */
  record PublishState(
      String tableId,
      String store,
      long snapshotId,
      long rowsWritten,
      long rowsSkipped,
      long publishedAt,
      String publishedBy) {}

  /**
   * Registers a table, with the column it declares as its creation time, if any; ALREADY_EXISTS
   * when it is registered.
   */
  void register(
      String tableId,
      FeatureMetadata metadata,
      Optional<String> creationTimeColumn,
      long now,
      String principal);

  Optional<Registration> get(String tableId);

  /** The registrations among {@code tableIds}, by table id. */
  Map<String, Registration> getAll(Collection<String> tableIds);

  /** Replaces a registration's metadata; NOT_FOUND when it is not registered. */
  void update(String tableId, FeatureMetadata metadata, long now, String principal);

  /** Forgets a registration and its publish states; false when there was none. */
  boolean unregister(String tableId);

  /** Stores a spec; ALREADY_EXISTS when the name is taken. */
  void createSpec(StoredSpec spec);

  Optional<StoredSpec> getSpec(String fullName);

  List<StoredSpec> listSpecs(String catalogName, String schemaName);

  boolean deleteSpec(String fullName);

  Optional<PublishState> lastPublish(String tableId, String store);

  void recordPublish(PublishState state);
}
