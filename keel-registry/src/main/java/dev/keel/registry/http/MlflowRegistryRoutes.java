package dev.keel.registry.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.REGISTERED_MODEL;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Viewer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.RegisteredModel;
import dev.keel.registry.RegistryService;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's model registry REST (mlflow.md §2.1) under {@code /api/2.0/mlflow} and {@code
 * /ajax-api/2.0/mlflow}. Model names are Keel's three-level full names {@code
 * catalog.schema.model}. Errors are in MLflow's dialect (catalog-rule errors are translated).
 */
public final class MlflowRegistryRoutes implements ApiModule {
  private final RegistryService registry;

  public MlflowRegistryRoutes(RegistryService registry) {
    this.registry = registry;
  }

  static List<String> mlflow(String path) {
    return List.of("/api/2.0/mlflow/" + path, "/ajax-api/2.0/mlflow/" + path);
  }

  private static void on(Routes r, HandlerType m, String path, Access a, Handler h) {
    r.add(m, mlflow(path), a, mlflowErrors(h));
  }

  @Override
  public void routes(Routes r) {
    r.dialect("/api/2.0/mlflow", Dialect.MLFLOW);
    r.dialect("/ajax-api/2.0/mlflow", Dialect.MLFLOW);
    // MLflow names the model in the query (GET) or the body: "name"
    Access.Resource named = ctx -> Request.of(ctx).required("name");
    Access create = Access.of(REGISTERED_MODEL, CREATE).on(named);
    Access read = Access.of(REGISTERED_MODEL, READ).on(named);
    Access edit = Access.of(REGISTERED_MODEL, EDIT).on(named);
    Access manage = Access.of(REGISTERED_MODEL, MANAGE).on(named);
    Access visible = Access.of(METASTORE, READ).on(ctx -> "metastore"); // filtered lists

    on(r, POST, "registered-models/create", create, this::createModel);
    on(r, GET, "registered-models/get", read, this::getModel);
    on(r, POST, "registered-models/rename", manage, this::renameModel);
    on(r, PATCH, "registered-models/update", edit, this::updateModel);
    on(r, DELETE, "registered-models/delete", manage, this::deleteModel);
    on(r, GET, "registered-models/search", visible, this::searchModels);
    on(r, POST, "registered-models/get-latest-versions", read, this::latestVersions);
    on(r, GET, "registered-models/get-latest-versions", read, this::latestVersions);
    on(r, POST, "registered-models/set-tag", edit, this::setModelTag);
    on(r, DELETE, "registered-models/delete-tag", edit, this::deleteModelTag);
    on(r, POST, "registered-models/alias", edit, this::setAlias);
    on(r, DELETE, "registered-models/alias", edit, this::deleteAlias);
    on(r, GET, "registered-models/alias", read, this::getByAlias);

    on(r, POST, "model-versions/create", edit, this::createVersion);
    on(r, GET, "model-versions/get", read, this::getVersion);
    on(r, PATCH, "model-versions/update", edit, this::updateVersion);
    on(r, DELETE, "model-versions/delete", manage, this::deleteVersion);
    on(
        r,
        GET,
        "model-versions/search",
        Access.of(REGISTERED_MODEL, READ).on(MlflowRegistryRoutes::modelOfFilter),
        this::searchVersions);
    on(r, POST, "model-versions/set-tag", edit, this::setVersionTag);
    on(r, DELETE, "model-versions/delete-tag", edit, this::deleteVersionTag);
    on(r, GET, "model-versions/get-download-uri", read, this::downloadUri);
  }

  /** Answers in MLflow's error dialect (the catalog's name rules speak Unity Catalog's). */
  static Handler mlflowErrors(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (KeelException e) {
        ErrorCode code =
            switch (e.code()) {
              case INVALID_ARGUMENT, FAILED_PRECONDITION -> ErrorCode.INVALID_ARGUMENT;
              case NOT_FOUND -> ErrorCode.NOT_FOUND;
              case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
              default -> e.code();
            };
        throw code == e.code() ? e : new KeelException(code, e.getMessage(), e);
      }
    };
  }

  // ---------------------------------------------------------------- models

  private ObjectNode model(RegisteredModel m) {
    return RegistryJson.mlflowModel(m, registry.latestVersions(m.fullName()));
  }

  private void createModel(Context ctx) {
    Request req = Request.of(ctx);
    RegisteredModel m =
        registry.createModel(
            req.required("name"), req.string("description"), tags(req), Caller.get(ctx).name());
    Json.write(ctx, Json.object().set("registered_model", model(m)));
  }

  private void getModel(Context ctx) {
    Request req = Request.of(ctx);
    Json.write(
        ctx, Json.object().set("registered_model", model(registry.getModel(req.required("name")))));
  }

  private void renameModel(Context ctx) {
    Request req = Request.of(ctx);
    UcModelRoutes.requireCreateIfMoved(ctx, req.required("name"), req.required("new_name"));
    RegisteredModel m =
        registry.updateModel(
            req.required("name"),
            java.util.Optional.of(req.required("new_name")),
            java.util.Optional.empty());
    Json.write(ctx, Json.object().set("registered_model", model(m)));
  }

  private void updateModel(Context ctx) {
    Request req = Request.of(ctx);
    RegisteredModel m =
        registry.updateModel(
            req.required("name"),
            java.util.Optional.empty(),
            java.util.Optional.of(req.string("description").orElse("")));
    Json.write(ctx, Json.object().set("registered_model", model(m)));
  }

  private void deleteModel(Context ctx) {
    registry.deleteModel(Request.of(ctx).required("name"));
    Json.write(ctx, Json.object());
  }

  private void searchModels(Context ctx) {
    Request req = Request.of(ctx);
    Page<RegisteredModel> page =
        registry.searchModels(
            req.string("filter"),
            req.int64("max_results"),
            req.strings("order_by"),
            req.string("page_token"),
            Viewer.of(Caller.get(ctx)));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("registered_models");
    Map<String, ModelVersion> latest = registry.latestVersions(page.items());
    page.items()
        .forEach(
            m ->
                a.add(
                    RegistryJson.mlflowModel(
                        m, Optional.ofNullable(latest.get(m.fullName())).stream().toList())));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void latestVersions(Context ctx) {
    Request req = Request.of(ctx);
    List<String> stages = req.strings("stages");
    List<ModelVersion> latest = registry.latestVersions(req.required("name"));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("model_versions");
    if (stages.isEmpty() || stages.stream().anyMatch(s -> s.equalsIgnoreCase("None"))) {
      latest.forEach(v -> a.add(RegistryJson.mlflowVersion(v)));
    }
    Json.write(ctx, n);
  }

  private void setModelTag(Context ctx) {
    Request req = Request.of(ctx);
    registry.setModelTag(req.required("name"), req.required("key"), req.string("value").orElse(""));
    Json.write(ctx, Json.object());
  }

  private void deleteModelTag(Context ctx) {
    Request req = Request.of(ctx);
    registry.deleteModelTag(req.required("name"), req.required("key"));
    Json.write(ctx, Json.object());
  }

  private void setAlias(Context ctx) {
    Request req = Request.of(ctx);
    registry.setAlias(req.required("name"), req.required("alias"), version(req));
    Json.write(ctx, Json.object());
  }

  private void deleteAlias(Context ctx) {
    Request req = Request.of(ctx);
    registry.deleteAlias(req.required("name"), req.required("alias"));
    Json.write(ctx, Json.object());
  }

  private void getByAlias(Context ctx) {
    Request req = Request.of(ctx);
    ModelVersion v = registry.versionByAlias(req.required("name"), req.required("alias"));
    Json.write(ctx, Json.object().set("model_version", RegistryJson.mlflowVersion(v)));
  }

  // ---------------------------------------------------------------- versions

  private void createVersion(Context ctx) {
    Request req = Request.of(ctx);
    SourceAccess.requireReadable(ctx, req.required("source"), req.string("run_id"));
    ModelVersion v =
        registry.createVersionMlflow(
            req.required("name"),
            req.required("source"),
            req.string("run_id"),
            req.string("description"),
            tags(req));
    Json.write(ctx, Json.object().set("model_version", RegistryJson.mlflowVersion(v)));
  }

  private void getVersion(Context ctx) {
    Request req = Request.of(ctx);
    ModelVersion v = registry.getVersion(req.required("name"), version(req));
    Json.write(ctx, Json.object().set("model_version", RegistryJson.mlflowVersion(v)));
  }

  private void updateVersion(Context ctx) {
    Request req = Request.of(ctx);
    ModelVersion v =
        registry.updateVersion(
            req.required("name"), version(req), req.string("description").orElse(""));
    Json.write(ctx, Json.object().set("model_version", RegistryJson.mlflowVersion(v)));
  }

  private void deleteVersion(Context ctx) {
    Request req = Request.of(ctx);
    registry.deleteVersion(req.required("name"), version(req));
    Json.write(ctx, Json.object());
  }

  private static final java.util.regex.Pattern NAME_FILTER =
      java.util.regex.Pattern.compile("\\s*name\\s*=\\s*(['\"])([^'\"]+)\\1\\s*");

  /**
   * The one model a version search is about ({@code filter=name='catalog.schema.model'}): searching
   * the versions of every model at once is for administrators.
   */
  static String modelOfFilter(Context ctx) {
    String filter = Request.of(ctx).string("filter").orElse("");
    java.util.regex.Matcher m = NAME_FILTER.matcher(filter);
    if (!m.matches()) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "Only administrators may search the versions of every model: filter by one model"
              + " (filter=name='catalog.schema.model').");
    }
    return m.group(2);
  }

  private void searchVersions(Context ctx) {
    Request req = Request.of(ctx);
    Page<ModelVersion> page =
        registry.searchVersions(
            req.string("filter"),
            req.int64("max_results"),
            req.strings("order_by"),
            req.string("page_token"));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("model_versions");
    page.items().forEach(v -> a.add(RegistryJson.mlflowVersion(v)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void setVersionTag(Context ctx) {
    Request req = Request.of(ctx);
    registry.setVersionTag(
        req.required("name"), version(req), req.required("key"), req.string("value").orElse(""));
    Json.write(ctx, Json.object());
  }

  private void deleteVersionTag(Context ctx) {
    Request req = Request.of(ctx);
    registry.deleteVersionTag(req.required("name"), version(req), req.required("key"));
    Json.write(ctx, Json.object());
  }

  private void downloadUri(Context ctx) {
    Request req = Request.of(ctx);
    String uri = registry.downloadUri(req.required("name"), version(req));
    Json.write(ctx, Json.object().put("artifact_uri", uri));
  }

  // ---------------------------------------------------------------- parsing

  /** {@code version}: a positive integer, given as a string or a number. */
  private static long version(Request req) {
    long v = req.requiredInt64("version");
    if (v < 1) {
      throw KeelException.invalid(
          "Invalid value " + v + " for parameter 'version': expected a positive integer.");
    }
    return v;
  }

  private static Map<String, String> tags(Request req) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Request t : req.objects("tags")) {
      out.put(t.required("key"), t.string("value").orElse(""));
    }
    return out;
  }
}
