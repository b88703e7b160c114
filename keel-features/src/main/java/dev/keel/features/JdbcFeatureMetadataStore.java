package dev.keel.features;

import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * {@link FeatureMetadataStore} on Keel's metadata database (tables of {@code V6__features.sql},
 * {@code V8__feature_creation_time.sql}). Thread-safe.
 */
public final class JdbcFeatureMetadataStore implements FeatureMetadataStore {
  private final Database db;

  public JdbcFeatureMetadataStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public void register(
      String tableId,
      FeatureMetadata m,
      Optional<String> creationTimeColumn,
      long now,
      String principal) {
    db.write(
        h -> {
          // ON CONFLICT, not a look-up first: two clients registering the same table at once
          // get one success and one "already" instead of a duplicate-key error.
          int inserted =
              h.execute(
                  "INSERT INTO feature_tables (table_id, description, max_age_ms, owner,"
                      + " created_at, created_by, updated_at, updated_by, creation_time_column)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_id) DO NOTHING",
                  tableId,
                  m.description().orElse(null),
                  m.maxAge().map(Duration::toMillis).orElse(null),
                  principal,
                  now,
                  principal,
                  now,
                  principal,
                  creationTimeColumn.orElse(null));
          if (inserted == 0) {
            throw KeelException.alreadyExists("The table is already a feature table.");
          }
          insertChildren(h, tableId, m);
          return null;
        });
  }

  @Override
  public Optional<Registration> get(String tableId) {
    return Optional.ofNullable(getAll(List.of(tableId)).get(tableId));
  }

  @Override
  public Map<String, Registration> getAll(Collection<String> tableIds) {
    if (tableIds.isEmpty()) {
      return Map.of();
    }
    return db.read(
        h -> {
          List<String> ids = List.copyOf(tableIds);
          String in = "(" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")";
          Map<String, Map<String, String>> tags = new HashMap<>();
          Map<String, Map<String, String>> descriptions = new HashMap<>();
          Map<String, Map<String, Duration>> ages = new HashMap<>();
          bindAll(
                  h.createQuery(
                      "SELECT table_id, key, value FROM feature_table_tags WHERE table_id IN "
                          + in),
                  ids)
              .map(
                  (rs, ctx) -> {
                    tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                        .put(rs.getString(2), rs.getString(3));
                    return 0;
                  })
              .list();
          bindAll(
                  h.createQuery(
                      "SELECT table_id, feature, description, max_age_ms FROM feature_columns"
                          + " WHERE table_id IN "
                          + in),
                  ids)
              .map(
                  (rs, ctx) -> {
                    String id = rs.getString(1);
                    String f = rs.getString(2);
                    if (rs.getString(3) != null) {
                      descriptions
                          .computeIfAbsent(id, k -> new HashMap<>())
                          .put(f, rs.getString(3));
                    }
                    long age = rs.getLong(4);
                    if (!rs.wasNull()) {
                      ages.computeIfAbsent(id, k -> new HashMap<>()).put(f, Duration.ofMillis(age));
                    }
                    return 0;
                  })
              .list();
          Map<String, Registration> out = new HashMap<>();
          bindAll(
                  h.createQuery(
                      "SELECT table_id, description, max_age_ms, owner, created_at, created_by,"
                          + " updated_at, updated_by, creation_time_column FROM feature_tables"
                          + " WHERE table_id IN "
                          + in),
                  ids)
              .map((rs, ctx) -> registration(rs, tags, descriptions, ages))
              .forEach(r -> out.put(r.tableId(), r));
          return out;
        });
  }

  private static Registration registration(
      ResultSet rs,
      Map<String, Map<String, String>> tags,
      Map<String, Map<String, String>> descriptions,
      Map<String, Map<String, Duration>> ages)
      throws SQLException {
    String id = rs.getString(1);
    long age = rs.getLong(3);
    Optional<Duration> maxAge =
        rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(age));
    return new Registration(
        id,
        new FeatureMetadata(
            Optional.ofNullable(rs.getString(2)),
            tags.getOrDefault(id, Map.of()),
            maxAge,
            descriptions.getOrDefault(id, Map.of()),
            ages.getOrDefault(id, Map.of())),
        rs.getString(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getLong(7),
        rs.getString(8),
        Optional.ofNullable(rs.getString(9)));
  }

  @Override
  public void update(String tableId, FeatureMetadata m, long now, String principal) {
    db.write(
        h -> {
          int n =
              h.execute(
                  "UPDATE feature_tables SET description = ?, max_age_ms = ?, updated_at = ?,"
                      + " updated_by = ? WHERE table_id = ?",
                  m.description().orElse(null),
                  m.maxAge().map(Duration::toMillis).orElse(null),
                  now,
                  principal,
                  tableId);
          if (n == 0) {
            throw KeelException.notFound("The table is not a feature table.");
          }
          h.execute("DELETE FROM feature_table_tags WHERE table_id = ?", tableId);
          h.execute("DELETE FROM feature_columns WHERE table_id = ?", tableId);
          insertChildren(h, tableId, m);
          return null;
        });
  }

  @Override
  public boolean unregister(String tableId) {
    return db.write(
        h -> {
          h.execute("DELETE FROM feature_table_tags WHERE table_id = ?", tableId);
          h.execute("DELETE FROM feature_columns WHERE table_id = ?", tableId);
          h.execute("DELETE FROM online_publishes WHERE table_id = ?", tableId);
          return h.execute("DELETE FROM feature_tables WHERE table_id = ?", tableId) > 0;
        });
  }

  @Override
  public void createSpec(StoredSpec s) {
    String fullName = s.catalogName() + "." + s.schemaName() + "." + s.name();
    db.write(
        h -> {
          // ON CONFLICT, not a look-up first: concurrent creates of one name must not race
          // into a duplicate-key error.
          int inserted =
              h.execute(
                  "INSERT INTO feature_specs (id, catalog_name, schema_name, name, full_name,"
                      + " spec, comment, owner, created_at, created_by)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (full_name) DO NOTHING",
                  UUID.randomUUID().toString(),
                  s.catalogName(),
                  s.schemaName(),
                  s.name(),
                  fullName,
                  s.lookupsJson(),
                  s.comment().orElse(null),
                  s.owner(),
                  s.createdAt(),
                  s.createdBy());
          if (inserted == 0) {
            throw KeelException.alreadyExists("Feature spec '" + fullName + "' already exists.");
          }
          return null;
        });
  }

  private static final String SPEC_COLUMNS =
      "catalog_name, schema_name, name, spec, comment, owner, created_at, created_by";

  @Override
  public Optional<StoredSpec> getSpec(String fullName) {
    return db.read(
        h ->
            h.createQuery("SELECT " + SPEC_COLUMNS + " FROM feature_specs WHERE full_name = ?")
                .bind(0, fullName)
                .map((rs, ctx) -> spec(rs))
                .findOne());
  }

  @Override
  public List<StoredSpec> listSpecs(String catalogName, String schemaName) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + SPEC_COLUMNS
                        + " FROM feature_specs WHERE catalog_name = ? AND schema_name = ?"
                        + " ORDER BY name")
                .bind(0, catalogName)
                .bind(1, schemaName)
                .map((rs, ctx) -> spec(rs))
                .list());
  }

  private static StoredSpec spec(ResultSet rs) throws SQLException {
    return new StoredSpec(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Optional.ofNullable(rs.getString(5)),
        rs.getString(6),
        rs.getLong(7),
        rs.getString(8));
  }

  @Override
  public boolean deleteSpec(String fullName) {
    return db.write(h -> h.execute("DELETE FROM feature_specs WHERE full_name = ?", fullName) > 0);
  }

  @Override
  public Optional<PublishState> lastPublish(String tableId, String store) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT table_id, store, snapshot_id, rows_written, rows_skipped, published_at,"
                        + " published_by FROM online_publishes WHERE table_id = ? AND store = ?")
                .bind(0, tableId)
                .bind(1, store)
                .map(
                    (rs, ctx) ->
                        new PublishState(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getString(7)))
                .findOne());
  }

  @Override
  public void recordPublish(PublishState p) {
    db.write(
        h ->
            h.execute(
                "INSERT INTO online_publishes (table_id, store, snapshot_id, rows_written,"
                    + " rows_skipped, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (table_id, store) DO UPDATE SET snapshot_id ="
                    + " excluded.snapshot_id, rows_written = excluded.rows_written, rows_skipped ="
                    + " excluded.rows_skipped, published_at = excluded.published_at,"
                    + " published_by = excluded.published_by",
                p.tableId(),
                p.store(),
                p.snapshotId(),
                p.rowsWritten(),
                p.rowsSkipped(),
                p.publishedAt(),
                p.publishedBy()));
  }

  /** The hook that deletes and renames feature specs with their schema or catalog. */
  public static dev.keel.catalog.SchemaContents specContents() {
    return new FeatureSpecContents();
  }

  private static void insertChildren(Handle h, String tableId, FeatureMetadata m) {
    m.tags()
        .forEach(
            (k, v) ->
                h.execute(
                    "INSERT INTO feature_table_tags (table_id, key, value) VALUES (?, ?, ?)",
                    tableId,
                    k,
                    v));
    java.util.Set<String> features = new java.util.TreeSet<>(m.featureDescriptions().keySet());
    features.addAll(m.featureMaxAges().keySet());
    for (String f : features) {
      h.execute(
          "INSERT INTO feature_columns (table_id, feature, description, max_age_ms)"
              + " VALUES (?, ?, ?, ?)",
          tableId,
          f,
          m.featureDescriptions().get(f),
          Optional.ofNullable(m.featureMaxAges().get(f)).map(Duration::toMillis).orElse(null));
    }
  }

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindAll(
      T statement, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      statement.bind(i, values.get(i));
    }
    return statement;
  }

  /** Feature specs as schema contents: counted, deleted and renamed with their schema. */
  private static final class FeatureSpecContents implements dev.keel.catalog.SchemaContents {
    @Override
    public String kind() {
      return "feature spec(s)";
    }

    @Override
    public long count(Handle h, String catalog, Optional<String> schema) {
      var q =
          h.createQuery(
                  "SELECT COUNT(*) FROM feature_specs WHERE catalog_name = ?"
                      + (schema.isPresent() ? " AND schema_name = ?" : ""))
              .bind(0, catalog);
      schema.ifPresent(s -> q.bind(1, s));
      return q.mapTo(Long.class).one();
    }

    @Override
    public Runnable delete(Handle h, String catalog, Optional<String> schema) {
      var u =
          h.createUpdate(
                  "DELETE FROM feature_specs WHERE catalog_name = ?"
                      + (schema.isPresent() ? " AND schema_name = ?" : ""))
              .bind(0, catalog);
      schema.ifPresent(s -> u.bind(1, s));
      u.execute();
      return () -> {};
    }

    @Override
    public void rename(Handle h, String catalog, Optional<String> schema, String newName) {
      if (schema.isEmpty()) {
        h.execute(
            "UPDATE feature_specs SET catalog_name = ?, full_name = CAST(? AS TEXT) || '.' ||"
                + " schema_name || '.' || name WHERE catalog_name = ?",
            newName,
            newName,
            catalog);
      } else {
        h.execute(
            "UPDATE feature_specs SET schema_name = ?, full_name = catalog_name || '.' ||"
                + " CAST(? AS TEXT) || '.' || name WHERE catalog_name = ? AND schema_name = ?",
            newName,
            newName,
            catalog,
            schema.get());
      }
    }
  }
}
