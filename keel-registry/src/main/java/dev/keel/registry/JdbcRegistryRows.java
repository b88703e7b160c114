package dev.keel.registry;

import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Owns the registry SQL that models, versions and aliases share: id look-ups, row mapping, version
 * queries, filter clauses, alias moves.
 */
final class JdbcRegistryRows {

  static final String MODEL_COLUMNS =
      "m.id, m.catalog_name, m.schema_name, m.name, m.comment, m.owner, m.created_at,"
          + " m.created_by, m.updated_at, m.updated_by";
  static final String VERSION_COLUMNS =
      "v.id, m.catalog_name, m.schema_name, m.name AS model_name, v.version, v.source, v.run_id,"
          + " v.status, v.status_message, v.storage_location, v.comment, v.created_at,"
          + " v.created_by, v.updated_at, v.updated_by";

  private JdbcRegistryRows() {}

  static void recordMove(
      Handle h,
      String modelId,
      String alias,
      OptionalLong from,
      OptionalLong to,
      long now,
      String by) {
    h.createUpdate(
            "INSERT INTO model_alias_history (model_id, alias, from_version, to_version, moved_by,"
                + " moved_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(0, modelId)
        .bind(1, alias)
        .bind(2, from.isPresent() ? from.getAsLong() : null)
        .bind(3, to.isPresent() ? to.getAsLong() : null)
        .bind(4, by)
        .bind(5, now)
        .execute();
  }

  static void touchModel(Handle h, String id, long now, String by) {
    h.execute(
        "UPDATE registered_models SET updated_at = ?, updated_by = ? WHERE id = ?", now, by, id);
  }

  static Optional<String> modelId(Handle h, String fullName) {
    return h.createQuery("SELECT id FROM registered_models WHERE full_name = ?")
        .bind(0, fullName)
        .mapTo(String.class)
        .findOne();
  }

  /**
   * Looks up a model's id inside a write transaction and, on PostgreSQL, locks its row until the
   * transaction ends, so that writes that read and then change what hangs off a model (aliases and
   * their move history, tags) run one after the other instead of racing (a lost alias move, a
   * duplicate key). SQLite serialises all writers already.
   */
  static Optional<String> lockModel(Handle h, Dialect dialect, String fullName) {
    return h.createQuery(
            "SELECT id FROM registered_models WHERE full_name = ?"
                + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))
        .bind(0, fullName)
        .mapTo(String.class)
        .findOne();
  }

  static String versionId(Handle h, String fullName, long version) {
    modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
    return h.createQuery(
            "SELECT v.id FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                + " WHERE m.full_name = ? AND v.version = ?")
        .bind(0, fullName)
        .bind(1, version)
        .mapTo(String.class)
        .findOne()
        .orElseThrow(() -> versionNotFound(fullName, version));
  }

  static Optional<RegisteredModel> loadModel(Handle h, String fullName) {
    List<RegisteredModel> rows =
        h.createQuery("SELECT " + MODEL_COLUMNS + " FROM registered_models m WHERE full_name = ?")
            .bind(0, fullName)
            .map((rs, ctx) -> modelRow(rs, Map.of(), Map.of()))
            .list();
    return withModelDetails(h, rows).stream().findFirst();
  }

  static List<RegisteredModel> withModelDetails(Handle h, List<RegisteredModel> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = rows.stream().map(RegisteredModel::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery(
            "SELECT model_id, key, value FROM registered_model_tags WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(r -> tags.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    Map<String, Map<String, Long>> aliases = new HashMap<>();
    h.createQuery("SELECT model_id, alias, version FROM model_aliases WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)})
        .forEach(
            r ->
                aliases
                    .computeIfAbsent((String) r[0], k -> new HashMap<>())
                    .put((String) r[1], (Long) r[2]));
    return rows.stream()
        .map(
            m ->
                new RegisteredModel(
                    m.id(),
                    m.catalogName(),
                    m.schemaName(),
                    m.name(),
                    m.comment(),
                    m.owner(),
                    m.createdAt(),
                    m.createdBy(),
                    m.updatedAt(),
                    m.updatedBy(),
                    tags.getOrDefault(m.id(), Map.of()),
                    aliases.getOrDefault(m.id(), Map.of())))
        .toList();
  }

  static RegisteredModel modelRow(ResultSet rs, Map<String, String> tags, Map<String, Long> aliases)
      throws SQLException {
    return new RegisteredModel(
        rs.getString("id"),
        rs.getString("catalog_name"),
        rs.getString("schema_name"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("comment")),
        rs.getString("owner"),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"),
        tags,
        aliases);
  }

  static Optional<ModelVersion> loadVersion(Handle h, String fullName, long version) {
    return versions(
            h,
            Optional.of(fullName),
            Optional.empty(),
            List.of(new Clause("version_number", "=", List.of(Long.toString(version)))),
            new SortOrder("version_number", true),
            0,
            1)
        .stream()
        .findFirst();
  }

  static List<ModelVersion> versions(
      Handle h,
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    Sql sql = new Sql();
    fullName.ifPresent(n -> sql.where("m.full_name = ?", n));
    status.ifPresent(s -> sql.where("v.status = ?", s.name()));
    for (Clause c : clauses) {
      clause(sql, c, "m.full_name", "model_version_tags", "version_id", "v.id");
    }
    String order =
        switch (orderBy.column()) {
          case "name" -> "m.full_name";
          case "creation_timestamp" -> "v.created_at";
          case "last_updated_timestamp" -> "v.updated_at";
          default -> "v.version";
        };
    String text =
        "SELECT "
            + VERSION_COLUMNS
            + " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
            + sql.whereText()
            + " ORDER BY "
            + order
            + (orderBy.ascending() ? " ASC" : " DESC")
            + ", m.full_name ASC, v.version DESC LIMIT ? OFFSET ?";
    List<ModelVersion> rows =
        sql.bindAll(h.createQuery(text), limit, offset).map((rs, ctx) -> versionRow(rs)).list();
    return withTagsAndAliases(h, rows);
  }

  /** The rows with their tags and aliases, read with one query each. */
  static List<ModelVersion> withTagsAndAliases(Handle h, List<ModelVersion> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = rows.stream().map(ModelVersion::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery(
            "SELECT version_id, key, value FROM model_version_tags WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(r -> tags.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    Map<String, List<String>> aliases = new HashMap<>();
    h.createQuery(
            "SELECT v.id, a.alias FROM model_aliases a JOIN model_versions v"
                + " ON v.model_id = a.model_id AND v.version = a.version WHERE v.id IN (<ids>)"
                + " ORDER BY a.alias")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .forEach(r -> aliases.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
    return rows.stream()
        .map(
            v ->
                new ModelVersion(
                    v.id(),
                    v.catalogName(),
                    v.schemaName(),
                    v.modelName(),
                    v.version(),
                    v.source(),
                    v.runId(),
                    v.status(),
                    v.statusMessage(),
                    v.storageLocation(),
                    v.comment(),
                    v.createdAt(),
                    v.createdBy(),
                    v.updatedAt(),
                    v.updatedBy(),
                    tags.getOrDefault(v.id(), Map.of()),
                    aliases.getOrDefault(v.id(), List.of())))
        .toList();
  }

  static ModelVersion versionRow(ResultSet rs) throws SQLException {
    return new ModelVersion(
        rs.getString("id"),
        rs.getString("catalog_name"),
        rs.getString("schema_name"),
        rs.getString("model_name"),
        rs.getLong("version"),
        rs.getString("source"),
        Optional.ofNullable(rs.getString("run_id")),
        ModelVersionStatus.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("status_message")),
        rs.getString("storage_location"),
        Optional.ofNullable(rs.getString("comment")),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"),
        Map.of(),
        List.of());
  }

  /** Adds one checked clause; column names come from a fixed set, values are bound. */
  static void clause(
      Sql sql, Clause c, String nameColumn, String tagTable, String tagOwner, String ownerId) {
    if (c.isTag()) {
      sql.where(
          "EXISTS (SELECT 1 FROM "
              + tagTable
              + " g WHERE g."
              + tagOwner
              + " = "
              + ownerId
              + " AND g.key = ? AND "
              + compare("g.value", c.op(), 1)
              + ")",
          c.tagKey(),
          c.values().get(0));
      return;
    }
    String column =
        switch (c.field()) {
          case "name" -> nameColumn;
          case "run_id" -> "v.run_id";
          case "source_path" -> "v.source";
          case "version_number" -> "v.version";
          default -> throw new IllegalArgumentException("unchecked field " + c.field());
        };
    Object[] values =
        c.field().equals("version_number")
            ? c.values().stream().map(Long::parseLong).toArray()
            : c.values().toArray();
    sql.where(compare(column, c.op(), values.length), values);
  }

  static String compare(String column, String op, int n) {
    return switch (op) {
      case "=", "<", "<=", ">", ">=" -> column + " " + op + " ?";
      case "!=" -> column + " <> ?";
      case "LIKE" -> column + " LIKE ?";
      case "ILIKE" -> "LOWER(" + column + ") LIKE LOWER(?)";
      case "IN" ->
          column + " IN (" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
      default -> throw new IllegalArgumentException("unchecked operator " + op);
    };
  }

  /** A WHERE clause built from conditions with positional binds. */
  static final class Sql {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> binds = new ArrayList<>();

    void where(String condition, Object... values) {
      conditions.add(condition);
      binds.addAll(List.of(values));
    }

    String whereText() {
      return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    Query bindAll(Query q, int limit, long offset) {
      int i = 0;
      for (Object b : binds) {
        q.bind(i++, b);
      }
      q.bind(i++, limit);
      q.bind(i, offset);
      return q;
    }
  }

  static OptionalLong optLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  static KeelException modelNotFound(String fullName) {
    return KeelException.notFound("Registered model '" + fullName + "' does not exist.");
  }

  static KeelException versionNotFound(String fullName, long version) {
    return KeelException.notFound(
        "Model version " + version + " of registered model '" + fullName + "' does not exist.");
  }

  static KeelException modelExists(String fullName) {
    return KeelException.alreadyExists("Registered model '" + fullName + "' already exists.");
  }
}
