package dev.keel.tracking.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.EXPERIMENT;
import static dev.keel.core.SecurableType.RUN;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.Principal;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tracking.Dataset;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Experiment;
import dev.keel.tracking.Metric;
import dev.keel.tracking.Param;
import dev.keel.tracking.Run;
import dev.keel.tracking.RunInfo;
import dev.keel.tracking.Tag;
import dev.keel.tracking.TrackingService;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * MLflow tracking REST API 2.0, served at {@code /api/2.0/mlflow/...} and mirrored at {@code
 * /ajax-api/2.0/mlflow/...}. Each handler parses the request, calls {@link TrackingService} and
 * writes MLflow's JSON.
 */
public final class TrackingRoutes implements ApiModule {
  /** MLflow's log-batch request size limit; larger is INVALID_PARAMETER_VALUE, as in MLflow. */
  public static final int MAX_BATCH_BODY_BYTES = 1024 * 1024;

  private final TrackingService tracking;
  private final ObjectPermissions permissions;

  /**
   * Routes over {@code tracking}; experiments are owned by their creator and seen through {@code
   * permissions}.
   */
  public TrackingRoutes(TrackingService tracking, ObjectPermissions permissions) {
    this.tracking = tracking;
    this.permissions = permissions;
  }

  /** Both prefixes MLflow serves every RPC under. */
  static List<String> mlflow(String path) {
    return List.of("/api/2.0/mlflow/" + path, "/ajax-api/2.0/mlflow/" + path);
  }

  private static void on(Routes r, HandlerType m, String path, Access a, Handler h) {
    r.add(m, mlflow(path), a, h);
  }

  @Override
  public void routes(Routes r) {
    r.dialect("/api/2.0/mlflow", Dialect.MLFLOW);
    r.dialect("/ajax-api/2.0/mlflow", Dialect.MLFLOW);
    // Every route names its securable for the authorization guard: an experiment by id, a run by
    // id (decided on its experiment); "" is the collection (create, and searches, which keep only
    // what the caller may see; get-by-name, which decides on the experiment it finds).
    Access.Resource collection = ctx -> "";
    Access.Resource experiment = ctx -> Request.of(ctx).required("experiment_id");
    Access.Resource runExperiment =
        ctx -> Request.of(ctx).string("experiment_id").filter(s -> !s.isEmpty()).orElse("0");
    Access.Resource run = ctx -> runId(Request.of(ctx));
    Access.Resource batchRun =
        ctx -> runId(Request.of(ctx, MAX_BATCH_BODY_BYTES, ErrorCode.INVALID_ARGUMENT));
    Access createExperiment = Access.of(EXPERIMENT, CREATE).on(collection);
    Access listExperiments = Access.of(EXPERIMENT, READ).on(collection);
    Access readExperiment = Access.of(EXPERIMENT, READ).on(experiment);
    Access editExperiment = Access.of(EXPERIMENT, EDIT).on(experiment);
    Access manageExperiment = Access.of(EXPERIMENT, MANAGE).on(experiment);
    Access readRun = Access.of(RUN, READ).on(run);
    Access editRun = Access.of(RUN, EDIT).on(run);
    Access manageRun = Access.of(RUN, MANAGE).on(run);

    on(r, POST, "experiments/create", createExperiment, this::createExperiment);
    on(r, GET, "experiments/get", readExperiment, this::getExperiment);
    on(r, GET, "experiments/get-by-name", listExperiments, this::getExperimentByName);
    on(r, POST, "experiments/search", listExperiments, this::searchExperiments);
    on(r, GET, "experiments/search", listExperiments, this::searchExperiments);
    on(r, POST, "experiments/update", manageExperiment, this::updateExperiment);
    on(r, POST, "experiments/delete", manageExperiment, this::deleteExperiment);
    on(r, POST, "experiments/restore", manageExperiment, this::restoreExperiment);
    on(r, POST, "experiments/set-experiment-tag", editExperiment, this::setExperimentTag);
    on(r, POST, "experiments/delete-experiment-tag", editExperiment, this::deleteExperimentTag);

    on(r, POST, "runs/create", editExperiment.on(runExperiment), this::createRun);
    on(r, GET, "runs/get", readRun, this::getRun);
    on(r, POST, "runs/update", editRun, this::updateRun);
    on(r, POST, "runs/delete", manageRun, this::deleteRun);
    on(r, POST, "runs/restore", manageRun, this::restoreRun);
    on(r, POST, "runs/search", Access.of(RUN, READ).on(collection), this::searchRuns);
    on(r, POST, "runs/log-metric", editRun, this::logMetric);
    on(r, POST, "runs/log-parameter", editRun, this::logParam);
    on(r, POST, "runs/set-tag", editRun, this::setTag);
    on(r, POST, "runs/delete-tag", editRun, this::deleteTag);
    on(r, POST, "runs/log-batch", editRun.on(batchRun), this::logBatch);
    on(r, POST, "runs/log-inputs", editRun, this::logInputs);
    on(r, GET, "metrics/get-history", readRun, this::metricHistory);
  }

  // ---------------------------------------------------------------- experiments

  private void createExperiment(Context ctx) {
    Request req = Request.of(ctx);
    Principal caller = Caller.get(ctx);
    Optional<String> location = req.string("artifact_location").filter(s -> !s.isEmpty());
    if (location.isPresent() && !caller.admin()) {
      // A location is where the artifact guard finds an experiment's files: one taken from
      // another experiment would lock its owner out of them.
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "Only administrators may set 'artifact_location'; leave it out and Keel stores the"
              + " experiment's artifacts under mlflow-artifacts:/<experiment_id>.");
    }
    String id = tracking.createExperiment(req.required("name"), location, tags(req, "tags"));
    permissions.setOwner(ObjectType.EXPERIMENTS, id, Grantee.of(caller));
    Json.write(ctx, Json.object().put("experiment_id", id));
  }

  private void getExperiment(Context ctx) {
    Request req = Request.of(ctx);
    Experiment e = tracking.getExperiment(req.required("experiment_id"));
    Json.write(ctx, experimentResponse(e));
  }

  /**
   * An experiment the caller may read, by name. One it may not read is answered as one that does
   * not exist (404, the same message), so that names cannot be probed; the refusal is still
   * recorded for the audit log.
   */
  private void getExperimentByName(Context ctx) {
    Request req = Request.of(ctx);
    String name = req.required("experiment_name");
    Experiment e = tracking.getExperimentByName(name);
    try {
      Caller.require(ctx, EXPERIMENT, e.experimentId(), READ);
    } catch (KeelException denied) {
      if (denied.code() != ErrorCode.PERMISSION_DENIED) {
        throw denied;
      }
      throw TrackingService.noExperimentNamed(name);
    }
    Json.write(ctx, experimentResponse(e));
  }

  private static ObjectNode experimentResponse(Experiment e) {
    ObjectNode n = Json.object();
    n.set("experiment", TrackingJson.experiment(e));
    return n;
  }

  private void searchExperiments(Context ctx) {
    Request req = Request.of(ctx);
    Page<Experiment> page =
        tracking.searchExperiments(
            req.string("view_type").orElse(""),
            req.string("filter").orElse(""),
            req.strings("order_by"),
            req.int64("max_results"),
            req.string("page_token"),
            ObjectPermissions.readers(Caller.get(ctx)));
    ObjectNode n = Json.object();
    if (!page.items().isEmpty()) {
      ArrayNode a = n.putArray("experiments");
      page.items().forEach(e -> a.add(TrackingJson.experiment(e)));
    }
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void updateExperiment(Context ctx) {
    Request req = Request.of(ctx);
    tracking.renameExperiment(req.required("experiment_id"), req.required("new_name"));
    Json.write(ctx, Json.object());
  }

  private void deleteExperiment(Context ctx) {
    tracking.deleteExperiment(Request.of(ctx).required("experiment_id"));
    Json.write(ctx, Json.object());
  }

  private void restoreExperiment(Context ctx) {
    tracking.restoreExperiment(Request.of(ctx).required("experiment_id"));
    Json.write(ctx, Json.object());
  }

  private void setExperimentTag(Context ctx) {
    Request req = Request.of(ctx);
    tracking.setExperimentTag(
        req.required("experiment_id"),
        new Tag(
            req.required("key"),
            req.string("value").orElseThrow(() -> KeelException.missing("value"))));
    Json.write(ctx, Json.object());
  }

  private void deleteExperimentTag(Context ctx) {
    Request req = Request.of(ctx);
    tracking.deleteExperimentTag(req.required("experiment_id"), req.required("key"));
    Json.write(ctx, Json.object());
  }

  // ---------------------------------------------------------------- runs

  private static String runId(Request req) {
    return req.string("run_id")
        .filter(s -> !s.isEmpty())
        .or(() -> req.string("run_uuid").filter(s -> !s.isEmpty()))
        .orElseThrow(() -> KeelException.missing("run_id"));
  }

  private void createRun(Context ctx) {
    Request req = Request.of(ctx);
    Run run =
        tracking.createRun(
            req.string("experiment_id").orElse(""),
            req.string("run_name"),
            req.string("user_id"),
            req.int64("start_time"),
            tags(req, "tags"));
    Json.stream(ctx, TrackingJson.runResponse("run", run));
  }

  private void getRun(Context ctx) {
    Run run = tracking.getRun(runId(Request.of(ctx)));
    Json.stream(ctx, TrackingJson.runResponse("run", run));
  }

  private void updateRun(Context ctx) {
    Request req = Request.of(ctx);
    RunInfo info =
        tracking.updateRun(
            runId(req), req.string("status"), req.int64("end_time"), req.string("run_name"));
    Json.stream(ctx, TrackingJson.runInfoResponse(info));
  }

  private void deleteRun(Context ctx) {
    tracking.deleteRun(runId(Request.of(ctx)));
    Json.write(ctx, Json.object());
  }

  private void restoreRun(Context ctx) {
    tracking.restoreRun(runId(Request.of(ctx)));
    Json.write(ctx, Json.object());
  }

  private void searchRuns(Context ctx) {
    Request req = Request.of(ctx);
    Page<Run> page =
        tracking.searchRuns(
            req.strings("experiment_ids"),
            req.string("filter").orElse(""),
            req.string("run_view_type").orElse(""),
            req.int64("max_results"),
            req.strings("order_by"),
            req.string("page_token"),
            ObjectPermissions.readers(Caller.get(ctx)));
    Json.stream(
        ctx,
        g -> {
          g.writeStartObject();
          if (!page.items().isEmpty()) {
            g.writeArrayFieldStart("runs");
            for (Run run : page.items()) {
              TrackingJson.writeRun(g, run);
            }
            g.writeEndArray();
          }
          if (page.nextPageToken().isPresent()) {
            g.writeStringField("next_page_token", page.nextPageToken().get());
          }
          g.writeEndObject();
        });
  }

  private void logMetric(Context ctx) {
    Request req = Request.of(ctx);
    tracking.logMetric(runId(req), metric(req));
    Json.write(ctx, Json.object());
  }

  private void logParam(Context ctx) {
    Request req = Request.of(ctx);
    tracking.logParam(runId(req), param(req));
    Json.write(ctx, Json.object());
  }

  private void setTag(Context ctx) {
    Request req = Request.of(ctx);
    tracking.setTag(runId(req), tag(req));
    Json.write(ctx, Json.object());
  }

  private void deleteTag(Context ctx) {
    Request req = Request.of(ctx);
    tracking.deleteTag(runId(req), req.required("key"));
    Json.write(ctx, Json.object());
  }

  private void logBatch(Context ctx) {
    Request req = Request.of(ctx, MAX_BATCH_BODY_BYTES, ErrorCode.INVALID_ARGUMENT);
    String runId = runId(req);
    List<Metric> metrics = new ArrayList<>();
    for (Request m : req.objects("metrics")) {
      metrics.add(metric(m));
    }
    List<Param> params = new ArrayList<>();
    for (Request p : req.objects("params")) {
      params.add(param(p));
    }
    tracking.logBatch(runId, metrics, params, tags(req, "tags"));
    Json.write(ctx, Json.object());
  }

  private void logInputs(Context ctx) {
    Request req = Request.of(ctx);
    String runId = runId(req);
    List<DatasetInput> inputs = new ArrayList<>();
    for (Request in : req.objects("datasets")) {
      Request d = in.object("dataset").orElseThrow(() -> KeelException.missing("dataset"));
      inputs.add(
          new DatasetInput(
              tags(in, "tags"),
              new Dataset(
                  d.required("name"),
                  d.required("digest"),
                  d.required("source_type"),
                  d.required("source"),
                  d.rawText("schema"),
                  d.rawText("profile"))));
    }
    tracking.logInputs(runId, inputs);
    Json.write(ctx, Json.object());
  }

  private void metricHistory(Context ctx) {
    Request req = Request.of(ctx);
    if (isJavaClientGetMetricHistory(ctx, req)) {
      List<Metric> all = tracking.wholeMetricHistory(runId(req), req.required("metric_key"));
      writeMetricPage(ctx, new Page<>(all, Optional.empty()));
      return;
    }
    Page<Metric> page =
        tracking.metricHistory(
            runId(req),
            req.required("metric_key"),
            req.int64("max_results"),
            req.string("page_token"));
    writeMetricPage(ctx, page);
  }

  private static void writeMetricPage(Context ctx, Page<Metric> page) {
    Json.stream(
        ctx,
        g -> {
          g.writeStartObject();
          if (!page.items().isEmpty()) {
            g.writeFieldName("metrics");
            TrackingJson.writeMetrics(g, page.items());
          }
          if (page.nextPageToken().isPresent()) {
            g.writeStringField("next_page_token", page.nextPageToken().get());
          }
          g.writeEndObject();
        });
  }

  /**
   * True for the first request of the official MLflow Java client's {@code getMetricHistory}
   * ({@code User-Agent: mlflow-java-client/<version>}, {@code max_results=25000}, no page token).
   * That method throws {@code UnsupportedOperationException} on any {@code next_page_token} (it
   * appends the next page to the first page's unmodifiable list), so it gets the whole history in
   * one response, as MLflow's 2.x server (which did not page get-history) gave it. Other requests
   * of that client, e.g. through {@code sendGet}, page as usual.
   */
  static boolean isJavaClientGetMetricHistory(Context ctx, Request req) {
    String agent = ctx.header("User-Agent");
    if (agent == null || !agent.startsWith("mlflow-java-client/")) {
      return false;
    }
    OptionalLong max = req.int64("max_results");
    return nonEmpty(req.string("page_token")).isEmpty()
        && max.isPresent()
        && max.getAsLong() == TrackingService.MAX_METRIC_HISTORY;
  }

  // ---------------------------------------------------------------- decoding

  private static Metric metric(Request m) {
    return new Metric(
        m.required("key"),
        m.requiredDouble("value"),
        m.requiredInt64("timestamp"),
        m.int64("step").orElse(0));
  }

  private static Param param(Request p) {
    return new Param(
        p.required("key"), p.string("value").orElseThrow(() -> KeelException.missing("value")));
  }

  private static Tag tag(Request t) {
    return new Tag(
        t.required("key"), t.string("value").orElseThrow(() -> KeelException.missing("value")));
  }

  private static List<Tag> tags(Request req, String field) {
    List<Tag> out = new ArrayList<>();
    for (Request t : req.objects(field)) {
      out.add(tag(t));
    }
    return out;
  }

  static Optional<String> nonEmpty(Optional<String> s) {
    return s.filter(v -> !v.isEmpty());
  }
}
