package dev.keel.serving.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.catalog.permissions.PermissionLevel;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.Accepts;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.RequestIds;
import dev.keel.http.Routes;
import dev.keel.serving.Predictions;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.EndpointService;
import dev.keel.serving.endpoints.EndpointService.EndpointStatus;
import dev.keel.serving.endpoints.EndpointService.Invocation;
import dev.keel.serving.endpoints.EndpointService.Routed;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.serving.inference.InferenceCapture;
import dev.keel.serving.inference.InferenceLogger;
import dev.keel.serving.inference.PredictionTable;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving endpoints over HTTP.
 *
 * <ul>
 *   <li>Control plane, Databricks' shapes: {@code POST/GET /api/2.0/serving-endpoints}, {@code
 *       GET/DELETE /api/2.0/serving-endpoints/{name}}, {@code PUT
 *       /api/2.0/serving-endpoints/{name}/config}, {@code PUT
 *       /api/2.0/serving-endpoints/{name}/ai-gateway} (inference tables).
 *   <li>Scoring: {@code POST /serving-endpoints/{name}/invocations} (traffic split) and {@code POST
 *       /serving-endpoints/{name}/served-models/{served}/invocations} (one entity); every MLflow
 *       format. The entity routing picked is in the {@code served-model-name} header of every
 *       answer from it, error or not, the model's own time in {@code keel-model-time-us}, the
 *       request id in {@code x-request-id}.
 *   <li>Open Inference Protocol V2: {@code /v2/health/live}, {@code /v2/health/ready}, {@code
 *       /v2/models/{endpoint}}, {@code .../ready}, {@code .../infer}.
 * </ul>
 */
public final class ServingRoutes implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(ServingRoutes.class);
  private static final String API = "/api/2.0/serving-endpoints";

  /** Largest scoring request body (as for {@code keel serve}). */
  public static final long MAX_SCORING_BODY = ScoringServer.Options.DEFAULT_MAX_BODY_BYTES;

  private final EndpointService endpoints;
  private final ObjectPermissions permissions;
  private final InferenceCapture capture;
  private final ServingMetrics metrics;
  private final BooleanSupplier draining;
  private final Clock clock;
  private final OpenInference v2;

  /**
   * Routes over these services.
   *
   * @param endpoints the endpoint service
   * @param permissions who owns, sees, queries and manages each endpoint
   * @param capture the endpoints' inference tables
   * @param registry the server's meter registry
   * @param draining true once the server is shutting down
   */
  public ServingRoutes(
      EndpointService endpoints,
      ObjectPermissions permissions,
      InferenceCapture capture,
      MeterRegistry registry,
      BooleanSupplier draining) {
    this.endpoints = endpoints;
    this.permissions = permissions;
    this.capture = capture;
    this.metrics = new ServingMetrics(registry, capture.logger());
    this.draining = draining;
    this.clock = Clock.systemUTC();
    this.v2 = new OpenInference(endpoints, metrics, draining);
  }

  @Override
  public void routes(Routes r) {
    r.dialect(API, Dialect.DATABRICKS);
    r.dialect("/serving-endpoints", Dialect.SCORING);
    r.dialect("/v2", Dialect.OPEN_INFERENCE);
    // The endpoint a request names is its path's {name}; "" is the collection (create, list).
    // READ is CAN_VIEW, EDIT is CAN_QUERY (scoring), MANAGE is CAN_MANAGE (see EndpointAccess).
    Access.Resource collection = ctx -> "";
    Access.Resource named = ctx -> ctx.pathParam("name");
    Access create = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.CREATE).on(collection);
    Access list = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.READ).on(collection);
    Access read = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.READ).on(named);
    Access query = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.EDIT).on(named);
    Access manage = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.MANAGE).on(named);
    r.add(HandlerType.POST, API, create, this::create);
    r.add(HandlerType.GET, API, list, this::list);
    r.add(HandlerType.GET, API + "/{name}", read, this::get);
    r.add(HandlerType.DELETE, API + "/{name}", manage, this::delete);
    r.add(HandlerType.PUT, API + "/{name}/config", manage, this::updateConfig);
    r.add(HandlerType.PUT, API + "/{name}/ai-gateway", manage, this::putAiGateway);
    Accepts scoring = Accepts.of("application/json", "text/csv");
    r.add(
        HandlerType.POST,
        "/serving-endpoints/{name}/invocations",
        query,
        scoring,
        ctx -> invoke(ctx, ctx.pathParam("name"), Optional.empty()));
    r.add(
        HandlerType.POST,
        "/serving-endpoints/{name}/served-models/{served}/invocations",
        query,
        scoring,
        ctx -> invoke(ctx, ctx.pathParam("name"), Optional.of(ctx.pathParam("served"))));
    r.add(HandlerType.GET, "/v2/health/live", Access.open(), v2::live);
    r.add(HandlerType.GET, "/v2/health/ready", Access.open(), v2::live);
    r.add(HandlerType.GET, "/v2/models/{name}", read, v2::metadata);
    r.add(HandlerType.GET, "/v2/models/{name}/ready", read, v2::ready);
    // Triton's Python client posts its JSON without a Content-Type
    r.add(HandlerType.POST, "/v2/models/{name}/infer", query, Accepts.JSON.orUntyped(), v2::infer);
  }

  // ---------------------------------------------------------------- control plane

  private void create(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    JsonNode nameNode = body.get("name");
    if (nameNode == null || !nameNode.isTextual()) {
      throw KeelException.invalid("'name' is required (a string).");
    }
    String name = EndpointConfig.endpointName(nameNode.asText());
    EndpointConfig config = EndpointConfigJson.parse(body.path("config"));
    requireServable(ctx, config);
    Optional<InferenceTableConfig> table = EndpointConfigJson.aiGateway(body.path("ai_gateway"));
    if (body.hasNonNull("auto_capture_config")) {
      throw KeelException.invalid("'auto_capture_config' belongs in 'config'.");
    }
    Optional<Optional<InferenceTableConfig>> legacy =
        EndpointConfigJson.autoCapture(body.path("config"), name, Optional.empty());
    if (legacy.isPresent()) {
      if (table.isPresent()) {
        throw KeelException.invalid(
            "'config.auto_capture_config' (legacy) and 'ai_gateway.inference_table_config' both"
                + " set an inference table; give one.");
      }
      table = legacy.get();
    }
    requireTableWritable(ctx, table, Optional.empty());
    Optional<String> description =
        body.hasNonNull("description")
            ? Optional.of(body.get("description").asText())
            : Optional.empty();
    Map<String, String> tags = new LinkedHashMap<>();
    JsonNode ts = body.path("tags");
    if (!ts.isMissingNode() && !ts.isNull()) {
      if (!ts.isArray()) {
        throw KeelException.invalid("'tags' must be a list of {key, value}.");
      }
      for (int i = 0; i < ts.size(); i++) {
        JsonNode t = ts.get(i);
        if (!t.path("key").isTextual() || t.path("key").asText().isEmpty()) {
          throw KeelException.invalid("'tags[" + i + "].key' is required (a string).");
        }
        tags.put(t.get("key").asText(), t.path("value").asText(""));
      }
    }
    Principal caller = Caller.get(ctx);
    EndpointStatus created = capture.create(name, description, tags, config, table, caller.name());
    permissions.setOwner(ObjectType.SERVING_ENDPOINTS, created.endpoint().id(), Grantee.of(caller));
    Json.write(ctx, EndpointJson.detailed(created, PermissionLevel.CAN_MANAGE.name()));
  }

  /**
   * The caller may serve only models it may run itself (EXECUTE, with USE CATALOG and USE SCHEMA):
   * an endpoint answers with its creator's rights, so without this anyone allowed to create
   * endpoints could query, through one, a model they cannot read.
   */
  private static void requireServable(Context ctx, EndpointConfig config) {
    for (EndpointConfig.ServedEntity e : config.servedEntities()) {
      Caller.require(ctx, SecurableType.REGISTERED_MODEL, e.entityName(), Privilege.READ);
    }
  }

  /**
   * The caller may point an endpoint's inference table only where it may create tables (CREATE
   * TABLE on the schema, with USE CATALOG and USE SCHEMA): the endpoint creates the table and
   * writes every request into it. The table the endpoint already has needs nothing more.
   */
  private static void requireTableWritable(
      Context ctx, Optional<InferenceTableConfig> table, Optional<InferenceTableConfig> current) {
    if (table.isPresent() && table.get().enabled() && !table.equals(current)) {
      Caller.require(ctx, SecurableType.TABLE, table.get().tableFullName(), Privilege.CREATE);
    }
  }

  /** Every endpoint the caller may see (it holds a level on it, or it is an administrator). */
  private void list(Context ctx) {
    Principal caller = Caller.get(ctx);
    Optional<List<String>> readers = ObjectPermissions.readers(caller);
    Optional<Set<String>> visible =
        readers.map(names -> permissions.visible(ObjectType.SERVING_ENDPOINTS, names));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("endpoints");
    for (EndpointStatus s : endpoints.list()) {
      if (visible.isEmpty() || visible.get().contains(s.endpoint().id())) {
        a.add(EndpointJson.detailed(s, levelOf(caller, s)));
      }
    }
    Json.write(ctx, n);
  }

  /** The caller's level on the endpoint, as {@code permission_level} answers it. */
  private String levelOf(Principal caller, EndpointStatus s) {
    return permissions
        .levelOf(caller, ObjectType.SERVING_ENDPOINTS, s.endpoint().id())
        .map(Enum::name)
        .orElse(PermissionLevel.CAN_VIEW.name());
  }

  private void get(Context ctx) {
    EndpointStatus s = endpoints.get(ctx.pathParam("name"));
    Json.write(ctx, EndpointJson.detailed(s, levelOf(Caller.get(ctx), s)));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    String id = endpoints.idOf(name);
    capture.delete(name);
    permissions.forget(ObjectType.SERVING_ENDPOINTS, id);
    Json.write(ctx, Json.object());
  }

  private void updateConfig(Context ctx) {
    String name = ctx.pathParam("name");
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    EndpointConfig config = EndpointConfigJson.parse(body);
    requireServable(ctx, config);
    Optional<Optional<InferenceTableConfig>> legacy =
        body.hasNonNull("auto_capture_config")
            ? EndpointConfigJson.autoCapture(
                body, name, endpoints.get(name).endpoint().inferenceTable())
            : Optional.empty();
    if (legacy.isPresent()) {
      requireTableWritable(ctx, legacy.get(), endpoints.get(name).endpoint().inferenceTable());
      capture.prepare(legacy.get()); // a table that cannot be made fails before anything changes
    } else {
      capture.prepareConfig(name, config); // its predictions table, if it has none yet
    }
    EndpointStatus s = endpoints.updateConfig(name, config);
    if (legacy.isPresent()) {
      s = withTable(s, capture.setTable(name, legacy.get()));
    }
    Json.write(ctx, EndpointJson.detailed(s, levelOf(Caller.get(ctx), s)));
  }

  /** The accepted update's answer (IN_PROGRESS) with the inference table now stored. */
  private static EndpointStatus withTable(EndpointStatus accepted, EndpointStatus now) {
    return new EndpointStatus(
        accepted
            .endpoint()
            .withInferenceTable(now.endpoint().inferenceTable(), now.endpoint().updatedAt()),
        accepted.ready(),
        accepted.active(),
        accepted.pending());
  }

  /**
   * Databricks' {@code PUT /api/2.0/serving-endpoints/{name}/ai-gateway}: replaces the endpoint's
   * AI gateway config, here its {@code inference_table_config} (absent: no inference table).
   * Answers the gateway config now stored.
   */
  private void putAiGateway(Context ctx) {
    String name = ctx.pathParam("name");
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Optional<InferenceTableConfig> table = EndpointConfigJson.aiGateway(body, "");
    requireTableWritable(ctx, table, endpoints.get(name).endpoint().inferenceTable());
    EndpointStatus s = capture.setTable(name, table);
    Json.write(
        ctx,
        s.endpoint()
            .inferenceTable()
            .map(EndpointConfigJson::aiGatewayJson)
            .orElseGet(Json::object));
  }

  // ---------------------------------------------------------------- scoring

  private void invoke(Context ctx, String endpoint, Optional<String> served) {
    long start = System.nanoTime();
    Instant at = clock.instant();
    String requestId = RequestIds.of(ctx); // also in the x-request-id header
    byte[] body = ctx.bodyAsBytes();
    int status = 200;
    AtomicReference<Routed> routed = new AtomicReference<>();
    long modelNanos = 0;
    int rows = 0;
    Optional<PredictionTable.Scored> scored = Optional.empty();
    byte[] out;
    try {
      if (draining.getAsBoolean()) {
        ctx.header("Retry-After", "1");
        throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The server is shutting down");
      }
      if (body.length > MAX_SCORING_BODY) {
        throw new KeelException(
            ErrorCode.REQUEST_TOO_LARGE,
            "The request body is " + body.length + " bytes; at most " + MAX_SCORING_BODY + ".");
      }
      Invocation inv =
          endpoints.invoke(
              endpoint,
              served,
              ctx.contentType() == null ? "" : ctx.contentType(),
              body,
              r -> nameServed(ctx, routed, r));
      modelNanos = inv.modelNanos();
      rows = inv.predictions().rows();
      out = write(inv.predictions());
      scored = Optional.of(new PredictionTable.Scored(inv.input(), inv.predictions()));
      ctx.header("keel-model-time-us", Long.toString(micros(modelNanos)));
      ctx.contentType("application/json").result(out);
    } catch (KeelException e) {
      status = Dialect.SCORING.status(e.code());
      String message = e.getMessage();
      if (e.code() == ErrorCode.INTERNAL_ERROR) {
        LOG.error("request {}: internal error scoring endpoint {}", requestId, endpoint, e);
        message = "Internal error; the server log has the details under request id " + requestId;
      } else {
        logCause(requestId, endpoint, e);
      }
      out = errorBody(e.code(), message, requestId);
      ctx.status(status).contentType("application/json").result(out);
    } catch (RuntimeException e) {
      LOG.error("request {}: unexpected error scoring endpoint {}", requestId, endpoint, e);
      status = 500;
      out =
          errorBody(
              ErrorCode.INTERNAL_ERROR,
              "Internal error; the server log has the details under request id " + requestId,
              requestId);
      ctx.status(status).contentType("application/json").result(out);
    }
    Routed r = routed.get();
    String entity = r == null ? "" : r.servedEntity();
    long total = System.nanoTime() - start;
    if (status != 404) { // unknown names must not create meters (unbounded cardinality)
      metrics.record(endpoint, entity, status, total, modelNanos, rows);
    }
    Optional<InferenceTableConfig> table = capture.tableOf(endpoint);
    if (table.isPresent()) {
      capture.log(
          new InferenceLogger.Entry(
              table.get(),
              requestId,
              at,
              status,
              micros(modelNanos),
              body,
              out,
              entity,
              r == null ? "" : r.modelName(),
              r == null ? 0 : r.modelVersion(),
              Caller.get(ctx).name(),
              scored));
    }
  }

  /**
   * Names the entity routing picked in the {@code served-model-name} header at once, so that every
   * answer from it (a prediction or an error) carries it, as Databricks does.
   */
  static void nameServed(Context ctx, AtomicReference<Routed> routed, Routed r) {
    routed.set(r);
    ctx.header("served-model-name", r.servedEntity());
  }

  /** Nanoseconds as whole microseconds, rounded up: a model that ran never took 0 µs. */
  private static long micros(long nanos) {
    return (nanos + 999) / 1000;
  }

  /**
   * Logs what a library said when a scoring request failed with a 4xx worded for the client (the
   * runtime's own message, which may hold paths), under the request id the answer carries.
   */
  static void logCause(String requestId, String where, KeelException e) {
    if (e.getCause() != null) {
      LOG.warn(
          "request {}: {} scoring {}: {}",
          requestId,
          e.code(),
          where,
          e.getMessage(),
          e.getCause());
    }
  }

  private static byte[] errorBody(ErrorCode code, String message, String requestId) {
    try {
      return Json.MAPPER.writeValueAsBytes(Dialect.SCORING.body(code, message, requestId));
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "could not write the response");
    }
  }

  private static byte[] write(Predictions p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * p.rows());
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      p.writeJson(g);
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "could not write the response");
    }
    return out.toByteArray();
  }
}
