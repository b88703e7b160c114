package dev.keel.registry;

import dev.keel.catalog.SchemaContents;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Registered models as the contents of schemas, for {@code JdbcCatalogStore}: deleting a schema or
 * catalog with {@code force} deletes its models (versions, lineage, aliases, and afterwards the
 * versions' files); without {@code force} the catalog store refuses while models exist; renaming a
 * catalog or schema moves its models to the new name (as in Unity Catalog, where children are keyed
 * by id). Versions keep the storage location they were created with.
 */
public final class RegisteredModelContents implements SchemaContents {
  private final ArtifactStore artifacts;
  private final JdbcRegistryStore store;

  /**
   * @param artifacts where version files live (removed after a cascading delete commits)
   * @param store the registry store, told about cascades so its alias cache stays correct
   */
  public RegisteredModelContents(ArtifactStore artifacts, JdbcRegistryStore store) {
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public String kind() {
    return "registered model(s)";
  }

  @Override
  public long count(Handle h, String catalog, Optional<String> schema) {
    var q =
        h.createQuery(
                "SELECT COUNT(*) FROM registered_models WHERE catalog_name = ?"
                    + (schema.isPresent() ? " AND schema_name = ?" : ""))
            .bind(0, catalog);
    schema.ifPresent(s -> q.bind(1, s));
    return q.mapTo(Long.class).one();
  }

  private List<String> modelIds(Handle h, String catalog, Optional<String> schema) {
    var q =
        h.createQuery(
                "SELECT id FROM registered_models WHERE catalog_name = ?"
                    + (schema.isPresent() ? " AND schema_name = ?" : ""))
            .bind(0, catalog);
    schema.ifPresent(s -> q.bind(1, s));
    return q.mapTo(String.class).list();
  }

  @Override
  public Runnable delete(Handle h, String catalog, Optional<String> schema) {
    store.changed(h);
    List<String> locations = new ArrayList<>();
    for (String id : modelIds(h, catalog, schema)) {
      locations.addAll(
          h.createQuery("SELECT storage_location FROM model_versions WHERE model_id = ?")
              .bind(0, id)
              .mapTo(String.class)
              .list());
      JdbcRegistryStore.deleteModelRows(h, id);
    }
    return () -> locations.forEach(this::deleteFiles);
  }

  /** Removes a deleted version's files (best effort: the metadata is already gone). */
  private void deleteFiles(String location) {
    String prefix = RegistryService.ARTIFACTS_SCHEME + "/";
    if (!location.startsWith(prefix + "models/")) {
      return;
    }
    try {
      ArtifactPath dir = ArtifactPath.parse("path", location.substring(prefix.length()), false);
      if (!artifacts.list(dir).isEmpty()) {
        artifacts.delete(dir);
      }
    } catch (IOException | RuntimeException e) {
      // a new version never reuses a non-empty location, so leftovers are harmless
    }
  }

  @Override
  public void rename(Handle h, String catalog, Optional<String> schema, String newName) {
    store.changed(h);
    if (schema.isEmpty()) {
      h.execute(
          "UPDATE registered_models SET catalog_name = ?,"
              + " full_name = CAST(? AS TEXT) || '.' || schema_name || '.' || name WHERE catalog_name = ?",
          newName,
          newName,
          catalog);
    } else {
      h.execute(
          "UPDATE registered_models SET schema_name = ?,"
              + " full_name = catalog_name || '.' || CAST(? AS TEXT) || '.' || name"
              + " WHERE catalog_name = ? AND schema_name = ?",
          newName,
          newName,
          catalog,
          schema.get());
    }
  }
}
