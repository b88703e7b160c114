package dev.keel.serving.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Endpoints in the {@code serving_endpoints} table (migration V7); configs as JSON text in the
 * versioned {@link EndpointConfigCodec} format, {@code ai_gateway} in the versioned {@link
 * AiGatewayCodec} format, tags as JSON text.
 */
public final class JdbcEndpointStore implements EndpointStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "id, name, description, tags, config, config_version, pending_config, config_update,"
          + " update_message, ai_gateway, created_at, created_by, updated_at";

  private final Database db;

  /** A store on this database. */
  public JdbcEndpointStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public void insert(ServingEndpoint e) {
    db.write(
        h -> {
          // ON CONFLICT, not a look-up first: concurrent creates of one name get one success
          // and one "already exists", never a duplicate-key error.
          int inserted =
              bind(
                      h.createUpdate(
                          "INSERT INTO serving_endpoints ("
                              + COLUMNS
                              + ") VALUES (:id, :name, :description, :tags, :config,"
                              + " :config_version, :pending_config, :config_update,"
                              + " :update_message, :ai_gateway, :created_at, :created_by,"
                              + " :updated_at) ON CONFLICT (name) DO NOTHING"),
                      e)
                  .execute();
          if (inserted == 0) {
            throw KeelException.alreadyExists(
                "Serving endpoint '" + e.name() + "' already exists.");
          }
          return null;
        });
  }

  @Override
  public Optional<ServingEndpoint> get(String name) {
    return db.read(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM serving_endpoints WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> row(rs))
                .findOne());
  }

  @Override
  public Optional<ServingEndpoint> getById(String id) {
    return db.read(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM serving_endpoints WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne());
  }

  @Override
  public List<ServingEndpoint> list() {
    return db.read(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM serving_endpoints ORDER BY name")
                .map((rs, ctx) -> row(rs))
                .list());
  }

  @Override
  public boolean update(ServingEndpoint e) {
    return db.write(
        h ->
            bind(
                        h.createUpdate(
                            "UPDATE serving_endpoints SET description = :description, tags = :tags,"
                                + " config = :config, config_version = :config_version,"
                                + " pending_config = :pending_config,"
                                + " config_update = :config_update,"
                                + " update_message = :update_message, ai_gateway = :ai_gateway,"
                                + " updated_at = :updated_at, id = :id, created_at = :created_at,"
                                + " created_by = :created_by WHERE name = :name"),
                        e)
                    .execute()
                > 0);
  }

  @Override
  public boolean delete(String name) {
    return db.write(
        h ->
            h.createUpdate("DELETE FROM serving_endpoints WHERE name = :name")
                    .bind("name", name)
                    .execute()
                > 0);
  }

  private static <T extends SqlStatement<T>> T bind(T s, ServingEndpoint e) {
    return s.bind("id", e.id())
        .bind("name", e.name())
        .bind("description", e.description().orElse(null))
        .bind("tags", write(e.tags()))
        .bind("config", e.config().map(EndpointConfigCodec::write).orElse(null))
        .bind("config_version", e.configVersion())
        .bind("pending_config", e.pendingConfig().map(EndpointConfigCodec::write).orElse(null))
        .bind("config_update", e.configUpdate().name())
        .bind("update_message", e.updateMessage().orElse(null))
        .bind("ai_gateway", e.inferenceTable().map(AiGatewayCodec::write).orElse(null))
        .bind("created_at", e.createdAt())
        .bind("created_by", e.createdBy())
        .bind("updated_at", e.updatedAt());
  }

  private static ServingEndpoint row(ResultSet rs) throws SQLException {
    try {
      return new ServingEndpoint(
          rs.getString("id"),
          rs.getString("name"),
          Optional.ofNullable(rs.getString("description")),
          JSON.readValue(rs.getString("tags"), new TypeReference<Map<String, String>>() {}),
          config(rs.getString("config")),
          rs.getLong("config_version"),
          config(rs.getString("pending_config")),
          ConfigUpdateState.valueOf(rs.getString("config_update")),
          Optional.ofNullable(rs.getString("update_message")),
          Optional.ofNullable(rs.getString("ai_gateway")).flatMap(AiGatewayCodec::read),
          rs.getLong("created_at"),
          rs.getString("created_by"),
          rs.getLong("updated_at"));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("unreadable serving endpoint row", ex);
    }
  }

  private static Optional<EndpointConfig> config(String text) {
    return Optional.ofNullable(text).map(EndpointConfigCodec::read);
  }

  private static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
