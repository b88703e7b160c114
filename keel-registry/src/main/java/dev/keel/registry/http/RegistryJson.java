package dev.keel.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.http.Json;
import dev.keel.registry.AliasMove;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.ModelVersionLineage;
import dev.keel.registry.RegisteredModel;
import dev.keel.registry.RegistryService;
import dev.keel.registry.VersionLineage;
import java.util.List;
import java.util.Map;

/** JSON shapes of registry entities in MLflow's and Unity Catalog's dialects. */
final class RegistryJson {
  private RegistryJson() {}

  // ---------------------------------------------------------------- MLflow

  static ObjectNode mlflowModel(RegisteredModel m, List<ModelVersion> latest) {
    ObjectNode n = Json.object();
    n.put("name", m.fullName());
    n.put("creation_timestamp", m.createdAt());
    n.put("last_updated_timestamp", m.updatedAt());
    n.put("user_id", m.createdBy());
    m.comment().ifPresent(c -> n.put("description", c));
    ArrayNode lv = n.putArray("latest_versions");
    latest.forEach(v -> lv.add(mlflowVersion(v)));
    tags(n, m.tags());
    ArrayNode a = n.putArray("aliases");
    m.aliases().forEach((k, v) -> a.addObject().put("alias", k).put("version", Long.toString(v)));
    return n;
  }

  static ObjectNode mlflowVersion(ModelVersion v) {
    ObjectNode n = Json.object();
    n.put("name", v.modelFullName());
    n.put("version", Long.toString(v.version()));
    n.put("creation_timestamp", v.createdAt());
    n.put("last_updated_timestamp", v.updatedAt());
    n.put("user_id", v.createdBy());
    n.put("current_stage", "None");
    v.comment().ifPresent(c -> n.put("description", c));
    n.put("source", v.source());
    v.runId().ifPresent(r -> n.put("run_id", r));
    n.put("status", v.status().name());
    v.statusMessage().ifPresent(s -> n.put("status_message", s));
    tags(n, v.tags());
    n.put("run_link", "");
    ArrayNode a = n.putArray("aliases");
    v.aliases().forEach(a::add);
    return n;
  }

  private static void tags(ObjectNode n, Map<String, String> tags) {
    ArrayNode t = n.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
  }

  // ---------------------------------------------------------------- Unity Catalog

  static ObjectNode ucModel(RegisteredModel m, boolean includeAliases) {
    ObjectNode n = Json.object();
    n.put("name", m.name());
    n.put("catalog_name", m.catalogName());
    n.put("schema_name", m.schemaName());
    n.put(
        "storage_location",
        RegistryService.ARTIFACTS_SCHEME
            + "/models/"
            + m.catalogName()
            + "/"
            + m.schemaName()
            + "/"
            + m.name());
    n.put("full_name", m.fullName());
    m.comment().ifPresent(c -> n.put("comment", c));
    n.put("owner", m.owner());
    n.put("created_at", m.createdAt());
    n.put("created_by", m.createdBy());
    n.put("updated_at", m.updatedAt());
    n.put("updated_by", m.updatedBy());
    n.put("id", m.id());
    if (includeAliases) {
      ArrayNode a = n.putArray("aliases");
      m.aliases()
          .forEach((k, v) -> a.add(ucAlias(m.catalogName(), m.schemaName(), m.name(), k, v)));
    }
    return n;
  }

  static ObjectNode ucAlias(String catalog, String schema, String model, String alias, long v) {
    ObjectNode n = Json.object();
    n.put("alias_name", alias);
    n.put("version_num", v);
    n.put("catalog_name", catalog);
    n.put("schema_name", schema);
    n.put("model_name", model);
    return n;
  }

  static ObjectNode ucVersion(ModelVersion v, boolean includeAliases) {
    ObjectNode n = Json.object();
    n.put("model_name", v.modelName());
    n.put("catalog_name", v.catalogName());
    n.put("schema_name", v.schemaName());
    n.put("version", v.version());
    n.put("source", v.source());
    v.runId().ifPresent(r -> n.put("run_id", r));
    n.put("status", v.status().name());
    n.put("storage_location", v.storageLocation());
    v.comment().ifPresent(c -> n.put("comment", c));
    n.put("created_at", v.createdAt());
    n.put("created_by", v.createdBy());
    n.put("updated_at", v.updatedAt());
    n.put("updated_by", v.updatedBy());
    n.put("id", v.id());
    v.statusMessage().ifPresent(s -> n.put("status_message", s));
    if (includeAliases) {
      ArrayNode a = n.putArray("aliases");
      v.aliases()
          .forEach(
              al ->
                  a.add(ucAlias(v.catalogName(), v.schemaName(), v.modelName(), al, v.version())));
    }
    return n;
  }

  /**
   * A version's lineage: the version ({@code version}, {@code status}, {@code source}, {@code
   * aliases}), {@code run} ({@code run_id}, {@code experiment_id}, {@code code_version}) and {@code
   * datasets} ({@code name}, {@code digest}, {@code source_type}, {@code source}, {@code context}).
   */
  static ObjectNode ucLineage(ModelVersionLineage l) {
    ModelVersion v = l.version();
    ObjectNode n = Json.object();
    n.put("version", v.version());
    n.put("status", v.status().name());
    n.put("source", v.source());
    n.put("created_at", v.createdAt());
    ArrayNode al = n.putArray("aliases");
    v.aliases().forEach(al::add);
    if (l.lineage().isPresent()) {
      VersionLineage x = l.lineage().get();
      ObjectNode run = n.putObject("run");
      run.put("run_id", x.runId());
      run.put("experiment_id", x.experimentId());
      x.codeVersion().ifPresent(c -> run.put("code_version", c));
      n.put("captured_at", x.capturedAt());
      ArrayNode ds = n.putArray("datasets");
      for (VersionLineage.LineageDataset d : x.datasets()) {
        ObjectNode o = ds.addObject();
        o.put("name", d.name());
        o.put("digest", d.digest());
        o.put("source_type", d.sourceType());
        o.put("source", d.source());
        d.context().ifPresent(c -> o.put("context", c));
      }
    } else {
      v.runId().ifPresent(r -> n.putObject("run").put("run_id", r));
      n.putArray("datasets");
    }
    return n;
  }

  static ObjectNode ucMove(AliasMove m) {
    ObjectNode n = Json.object();
    n.put("alias_name", m.alias());
    m.fromVersion().ifPresent(v -> n.put("from_version_num", v));
    m.toVersion().ifPresent(v -> n.put("to_version_num", v));
    n.put("moved_by", m.movedBy());
    n.put("moved_at", m.movedAt());
    return n;
  }
}
