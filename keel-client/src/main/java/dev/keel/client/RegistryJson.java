package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Unity Catalog registry JSON (registered models, versions, aliases, lineage) read into this
 * package's records. Lenient as {@link KeelJson} describes.
 */
final class RegistryJson {
  private RegistryJson() {}

  static RegisteredModel registeredModel(JsonNode n) {
    String catalogName = KeelJson.text(n, "catalog_name");
    String schemaName = KeelJson.text(n, "schema_name");
    String name = KeelJson.text(n, "name");
    String fullName = KeelJson.text(n, "full_name");
    Map<String, Long> aliases = new LinkedHashMap<>();
    n.path("aliases")
        .forEach(
            a ->
                aliases.put(
                    KeelJson.text(a, "alias_name"), KeelJson.int64(a, "version_num").orElse(0)));
    return new RegisteredModel(
        name,
        catalogName,
        schemaName,
        fullName.isEmpty() ? catalogName + "." + schemaName + "." + name : fullName,
        KeelJson.text(n, "comment"),
        KeelJson.text(n, "owner"),
        KeelJson.text(n, "storage_location"),
        KeelJson.int64(n, "created_at").orElse(0),
        KeelJson.text(n, "created_by"),
        KeelJson.int64(n, "updated_at").orElse(0),
        KeelJson.text(n, "updated_by"),
        KeelJson.text(n, "id"),
        aliases);
  }

  static ModelVersion modelVersion(JsonNode n) {
    List<String> aliases = new ArrayList<>();
    n.path("aliases")
        .forEach(a -> aliases.add(a.isValueNode() ? a.asText() : KeelJson.text(a, "alias_name")));
    return new ModelVersion(
        KeelJson.text(n, "catalog_name"),
        KeelJson.text(n, "schema_name"),
        KeelJson.text(n, "model_name"),
        KeelJson.int64(n, "version").orElse(0),
        KeelJson.text(n, "source"),
        KeelJson.text(n, "run_id"),
        RegistryJson.versionStatus(KeelJson.text(n, "status")),
        KeelJson.text(n, "status_message"),
        KeelJson.text(n, "storage_location"),
        KeelJson.text(n, "comment"),
        KeelJson.int64(n, "created_at").orElse(0),
        KeelJson.text(n, "created_by"),
        KeelJson.int64(n, "updated_at").orElse(0),
        KeelJson.text(n, "updated_by"),
        KeelJson.text(n, "id"),
        aliases);
  }

  /**
   * One entry of a lineage answer; the model's names come from {@code n} when it has them (the
   * version endpoint), else from {@code model} (the model endpoint's top level).
   */
  static VersionLineage versionLineage(JsonNode n, JsonNode model) {
    JsonNode names = n.has("catalog_name") ? n : model;
    String modelName =
        names.has("model_name") ? KeelJson.text(names, "model_name") : KeelJson.text(names, "name");
    Optional<LineageRun> run = Optional.empty();
    JsonNode r = n.path("run");
    if (r.isObject() && !KeelJson.text(r, "run_id").isEmpty()) {
      run =
          Optional.of(
              new LineageRun(
                  KeelJson.text(r, "run_id"),
                  KeelJson.text(r, "experiment_id"),
                  KeelJson.text(r, "code_version")));
    }
    List<LineageDataset> datasets = new ArrayList<>();
    n.path("datasets")
        .forEach(
            d ->
                datasets.add(
                    new LineageDataset(
                        KeelJson.text(d, "name"),
                        KeelJson.text(d, "digest"),
                        KeelJson.text(d, "source_type"),
                        KeelJson.text(d, "source"),
                        KeelJson.text(d, "context"))));
    return new VersionLineage(
        KeelJson.text(names, "catalog_name"),
        KeelJson.text(names, "schema_name"),
        modelName,
        KeelJson.int64(n, "version").orElse(0),
        RegistryJson.versionStatus(KeelJson.text(n, "status")),
        KeelJson.text(n, "source"),
        KeelJson.int64(n, "created_at").orElse(0),
        RegistryJson.stringList(n.path("aliases")),
        run,
        KeelJson.int64(n, "captured_at"),
        datasets);
  }

  static RunModelVersion runModelVersion(JsonNode n) {
    return new RunModelVersion(
        KeelJson.text(n, "catalog_name"),
        KeelJson.text(n, "schema_name"),
        KeelJson.text(n, "model_name"),
        KeelJson.int64(n, "version").orElse(0),
        RegistryJson.versionStatus(KeelJson.text(n, "status")),
        KeelJson.int64(n, "created_at").orElse(0),
        RegistryJson.stringList(n.path("aliases")));
  }

  private static List<String> stringList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.isValueNode() ? a.asText() : KeelJson.text(a, "alias_name")));
    return out;
  }

  static AliasMove aliasMove(JsonNode n) {
    return new AliasMove(
        KeelJson.text(n, "alias_name"),
        KeelJson.int64(n, "from_version_num"),
        KeelJson.int64(n, "to_version_num"),
        KeelJson.text(n, "moved_by"),
        KeelJson.int64(n, "moved_at").orElse(0));
  }

  private static ModelVersionStatus versionStatus(String s) {
    try {
      return ModelVersionStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE,
          "unknown model version status '" + s + "' from the server");
    }
  }
}
