package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import dev.keel.mlmodel.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The model registry over Unity Catalog REST ({@code /api/2.1/unity-catalog/models/...}):
 * registered models, model versions (created, uploaded and finalized), aliases with their history,
 * {@code models:/} URIs, and lineage between versions, runs and datasets. Get one from {@link
 * KeelClient#registry()}.
 *
 * <pre>{@code
 * RegistryClient registry = keel.registry();
 * registry.createModel("main.default.fraud", "");
 * ModelVersion v = registry.registerModel("main.default.fraud", Path.of("model"), "");
 * registry.setAlias("main.default.fraud", "champion", v.version());
 * ModelVersion champ = registry.resolve("models:/main.default.fraud@champion");
 * VersionLineage l = registry.versionLineage("main.default.fraud", v.version());
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure. Instances are thread-safe views over
 * their {@link KeelClient}.
 */
public final class RegistryClient {
  private final KeelClient client;

  RegistryClient(KeelClient client) {
    this.client = client;
  }

  /**
   * Creates a registered model ({@code POST /api/2.1/unity-catalog/models}). The schema must exist;
   * the server stores the name lower-case.
   *
   * @param fullName {@code catalog.schema.model}
   * @param comment free text; {@code ""} for none
   * @throws KeelClientException {@code ALREADY_EXISTS} (409) if the name is taken, {@code
   *     NOT_FOUND} (404) if the schema does not exist, {@code INVALID_ARGUMENT} (400) for a bad
   *     name
   */
  public RegisteredModel createModel(String fullName, String comment) {
    String[] p = threeParts(fullName);
    ObjectNode body =
        KeelJson.object().put("catalog_name", p[0]).put("schema_name", p[1]).put("name", p[2]);
    if (!Objects.requireNonNull(comment, "comment").isEmpty()) {
      body.put("comment", comment);
    }
    return RegistryJson.registeredModel(client.uc("POST", "models", Map.of(), body, false));
  }

  /**
   * The registered model with the given full name, with its aliases.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public RegisteredModel getModel(String fullName) {
    return RegistryJson.registeredModel(
        client.uc("GET", modelPath(fullName), WITH_ALIASES, null, true));
  }

  /**
   * One page of registered models, ordered by full name, with their aliases.
   *
   * @param catalogName only models of this catalog; {@code ""} for all
   * @param schemaName only models of this schema (needs {@code catalogName}); {@code ""} for all
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<RegisteredModel> listModels(
      String catalogName, String schemaName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (!Objects.requireNonNull(catalogName, "catalogName").isEmpty()) {
      q.put("catalog_name", List.of(catalogName));
    }
    if (!Objects.requireNonNull(schemaName, "schemaName").isEmpty()) {
      q.put("schema_name", List.of(schemaName));
    }
    q.putAll(KeelClient.paging(maxResults, pageToken));
    q.putAll(WITH_ALIASES);
    JsonNode resp = client.uc("GET", "models", q, null, true);
    List<RegisteredModel> items = new ArrayList<>();
    resp.path("registered_models").forEach(m -> items.add(RegistryJson.registeredModel(m)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every registered model of a catalog/schema ({@code ""} for all), across all pages (lazily). */
  public Stream<RegisteredModel> streamModels(String catalogName, String schemaName) {
    return Pages.stream(token -> listModels(catalogName, schemaName, 0, token));
  }

  /**
   * Renames a registered model (within its schema) and/or changes its comment. Properties are not
   * supported for models.
   *
   * @param update {@link SecurableUpdate#newName()} is the new model name alone (or a full name in
   *     the same schema)
   * @return the model afterwards
   */
  public RegisteredModel updateModel(String fullName, SecurableUpdate update) {
    if (!update.properties().isEmpty()) {
      throw new IllegalArgumentException("registered models have no properties to update");
    }
    return RegistryJson.registeredModel(
        client.uc(
            "PATCH",
            modelPath(fullName),
            Map.of(),
            CatalogClient.updateBody(update),
            update.newName().isEmpty()));
  }

  /**
   * Deletes a registered model.
   *
   * @param force also delete its versions; without it a model with versions is refused
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code
   *     FAILED_PRECONDITION} (400) if it has versions and {@code force} is false
   */
  public void deleteModel(String fullName, boolean force) {
    client.uc("DELETE", modelPath(fullName), KeelClient.forceQuery(force), null, false);
  }

  /**
   * Creates a model version in {@code PENDING_REGISTRATION}, with its own storage location. Upload
   * the model there ({@link #uploadModelDirectory}) unless {@code source} already holds it, then
   * {@link #finalizeVersion}. {@link #registerModel} does all three.
   *
   * @param source {@code runs:/<run_id>/<path>} or {@code mlflow-artifacts:/<path>}; anything else
   *     is refused
   * @param runId the run the version comes from; {@code ""} for none
   */
  public ModelVersion createVersion(String fullName, String source, String runId) {
    ObjectNode body = KeelJson.object().put("source", Objects.requireNonNull(source, "source"));
    if (!Objects.requireNonNull(runId, "runId").isEmpty()) {
      body.put("run_id", runId);
    }
    return RegistryJson.modelVersion(
        client.uc("POST", modelPath(fullName) + "/versions", Map.of(), body, false));
  }

  /**
   * A model version, with its aliases.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public ModelVersion getVersion(String fullName, long version) {
    return RegistryJson.modelVersion(
        client.uc("GET", versionPath(fullName, version), WITH_ALIASES, null, true));
  }

  /**
   * One page of a model's versions, with their aliases.
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page
   */
  public Page<ModelVersion> listVersions(String fullName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>(KeelClient.paging(maxResults, pageToken));
    q.putAll(WITH_ALIASES);
    JsonNode resp = client.uc("GET", modelPath(fullName) + "/versions", q, null, true);
    List<ModelVersion> items = new ArrayList<>();
    resp.path("model_versions").forEach(v -> items.add(RegistryJson.modelVersion(v)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every version of a model, across all pages (fetched lazily). */
  public Stream<ModelVersion> streamVersions(String fullName) {
    return Pages.stream(token -> listVersions(fullName, 0, token));
  }

  /**
   * Finalizes a pending version: the server checks the model package in its storage location (after
   * copying it from the source if needed). The answer is {@code READY}, or {@code
   * FAILED_REGISTRATION} with the reason in {@link ModelVersion#statusMessage()}; a failed
   * registration is an answer, not an exception.
   */
  public ModelVersion finalizeVersion(String fullName, long version) {
    return RegistryJson.modelVersion(
        client.uc(
            "PATCH",
            versionPath(fullName, version) + "/finalize",
            Map.of(),
            KeelJson.object(),
            true));
  }

  /** Deletes a model version; its number is never reused. */
  public void deleteVersion(String fullName, long version) {
    client.uc("DELETE", versionPath(fullName, version), Map.of(), null, false);
  }

  /**
   * Uploads a local MLflow model directory (an {@code MLmodel} file and the files it names) to the
   * version's storage location through the artifact proxy, keeping the directory structure.
   *
   * @return the number of files uploaded
   * @throws KeelClientException {@code IO_ERROR} if {@code dir} is not a readable directory, {@code
   *     NOT_IMPLEMENTED} if the storage location is not served through the artifact proxy
   */
  public int uploadModelDirectory(ModelVersion version, Path dir) {
    String root = ArtifactPaths.proxyPath(version.storageLocation());
    if (root.isEmpty()) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE,
          "version " + version.version() + " has no storage location");
    }
    return client.tracking().uploadTree(root, "", dir);
  }

  /**
   * Registers a local MLflow model directory as a new version of {@code fullName}: creates the
   * version, uploads the directory to its storage location and finalizes it. The answer is the
   * finalized version: {@code READY}, or {@code FAILED_REGISTRATION} with the reason.
   *
   * @param runId the run the model comes from; {@code ""} for none
   */
  public ModelVersion registerModel(String fullName, Path dir, String runId) {
    if (!Files.isDirectory(dir)) {
      throw KeelClientException.local(KeelClientException.IO_ERROR, dir + " is not a directory");
    }
    RegisteredModel m = getModel(fullName);
    ModelVersion v = createVersion(m.fullName(), m.storageLocation(), runId);
    uploadModelDirectory(v, dir);
    return finalizeVersion(m.fullName(), v.version());
  }

  /**
   * Registers a model logged with {@link TrackingClient#logModel} as a new version of {@code
   * fullName}: creates the version with the logged model's {@code runs:/} URI as its source and its
   * run (so the version's lineage names the run), then finalizes it; the server copies the package
   * into the version's storage location and checks it. The answer is {@code READY}, or {@code
   * FAILED_REGISTRATION} with the reason.
   *
   * @throws IllegalArgumentException if {@code logged} was saved locally, not logged to a run
   */
  public ModelVersion registerModel(String fullName, ModelInfo logged) {
    if (logged.runId().isEmpty() || !logged.modelUri().startsWith("runs:/")) {
      throw new IllegalArgumentException(
          "logged model: " + logged.modelUri() + " was not logged to a run; use logModel");
    }
    ModelVersion v = createVersion(fullName, logged.modelUri(), logged.runId());
    return finalizeVersion(v.modelFullName(), v.version());
  }

  /**
   * Points {@code alias} at {@code version}, moving it if it pointed elsewhere; every move is
   * recorded ({@link #aliasHistory}).
   *
   * @throws KeelClientException {@code INVALID_ARGUMENT} (400) for a reserved ({@code latest},
   *     {@code v<digits>}) or malformed alias, {@code NOT_FOUND} (404) for an unknown model or
   *     version
   */
  public void setAlias(String fullName, String alias, long version) {
    client.uc(
        "PUT",
        aliasPath(fullName, alias),
        Map.of(),
        KeelJson.object().put("version_num", version),
        false);
  }

  /**
   * The version an alias points at.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model or alias does not exist
   */
  public ModelVersion getAlias(String fullName, String alias) {
    return RegistryJson.modelVersion(
        client.uc("GET", aliasPath(fullName, alias), Map.of(), null, true));
  }

  /** Removes an alias (recorded in its history). */
  public void deleteAlias(String fullName, String alias) {
    client.uc("DELETE", aliasPath(fullName, alias), Map.of(), null, false);
  }

  /**
   * Every set, move and delete of an alias, oldest first (Keel's extension of KeelClient.UC REST).
   */
  public List<AliasMove> aliasHistory(String fullName, String alias) {
    JsonNode resp = client.uc("GET", aliasPath(fullName, alias) + "/history", Map.of(), null, true);
    List<AliasMove> out = new ArrayList<>();
    resp.path("history").forEach(h -> out.add(RegistryJson.aliasMove(h)));
    return out;
  }

  /**
   * Resolves a model URI, {@code models:/catalog.schema.model/3} or {@code
   * models:/catalog.schema.model@champion}, to its version. Parsing happens here; the lookup is
   * {@link #getVersion} or {@link #getAlias}.
   *
   * @throws IllegalArgumentException if {@code uri} is malformed
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model, version or alias does not
   *     exist
   */
  public ModelVersion resolve(String uri) {
    ModelUri u = ModelUri.parse(uri);
    return u.version().isPresent()
        ? getVersion(u.fullName(), u.version().getAsLong())
        : getAlias(u.fullName(), u.alias().orElseThrow());
  }

  /**
   * One page of a model's versions with their lineage (run, experiment, code version, dataset
   * inputs), in version order as the server lists them.
   *
   * @param maxResults page size; 0 for the server's default (at most 100)
   * @param pageToken {@code ""} for the first page
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model does not exist
   */
  public Page<VersionLineage> modelLineage(String fullName, int maxResults, String pageToken) {
    JsonNode resp =
        client.uc(
            "GET",
            modelPath(fullName) + "/lineage",
            KeelClient.paging(maxResults, pageToken),
            null,
            true);
    List<VersionLineage> items = new ArrayList<>();
    resp.path("model_versions").forEach(v -> items.add(RegistryJson.versionLineage(v, resp)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** The lineage of every version of a model, across all pages (fetched lazily). */
  public Stream<VersionLineage> streamModelLineage(String fullName) {
    return Pages.stream(token -> modelLineage(fullName, 0, token));
  }

  /**
   * One version's lineage.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model or version does not exist
   */
  public VersionLineage versionLineage(String fullName, long version) {
    JsonNode resp =
        client.uc("GET", versionPath(fullName, version) + "/lineage", Map.of(), null, true);
    return RegistryJson.versionLineage(resp, resp);
  }

  /**
   * The model versions created from a run, by model name and version (Keel's extension {@code GET
   * /api/2.1/unity-catalog/lineage/runs/{run_id}}).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the run is unknown and no version names
   *     it
   */
  public List<RunModelVersion> runLineage(String runId) {
    JsonNode resp =
        client.uc(
            "GET", "lineage/runs/" + KeelClient.segment(runId, "runId"), Map.of(), null, true);
    List<RunModelVersion> out = new ArrayList<>();
    resp.path("model_versions").forEach(v -> out.add(RegistryJson.runModelVersion(v)));
    return out;
  }

  private static final Map<String, List<String>> WITH_ALIASES =
      Map.of("include_aliases", List.of("true"));

  private static String modelPath(String fullName) {
    return "models/" + KeelClient.segment(fullName, "fullName");
  }

  private static String versionPath(String fullName, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    return modelPath(fullName) + "/versions/" + version;
  }

  private static String aliasPath(String fullName, String alias) {
    return modelPath(fullName) + "/aliases/" + KeelClient.segment(alias, "alias");
  }

  private static String[] threeParts(String fullName) {
    Objects.requireNonNull(fullName, "fullName");
    String[] p = fullName.split("\\.", -1);
    if (p.length != 3 || java.util.Arrays.stream(p).anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "invalid model name '" + fullName + "': expected catalog.schema.model");
    }
    return p;
  }
}
