package dev.keel.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.JsonErrors;
import dev.keel.core.KeelException;
import dev.keel.http.Dialect;
import dev.keel.http.ErrorTranslator;
import dev.keel.http.Json;
import dev.keel.http.RequestIds;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.serving.OutputTensor;
import dev.keel.serving.endpoints.EndpointService;
import dev.keel.serving.endpoints.EndpointService.Invocation;
import dev.keel.serving.endpoints.EndpointService.Routed;
import dev.keel.serving.endpoints.EndpointService.ServedModel;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol V2 (KServe, Triton) over serving endpoints: {@code /v2/health/live},
 * {@code /v2/health/ready}, {@code /v2/models/{endpoint}}, {@code .../ready} and {@code .../infer}.
 * Input tensors become an MLflow scoring request for the endpoint, so routing, inference tables and
 * metrics are the endpoint's. {@link ServingRoutes} registers these handlers with their access
 * declarations.
 */
final class OpenInference {
  private static final Logger LOG = LoggerFactory.getLogger(OpenInference.class);
  private static final long MAX_SCORING_BODY = ServingRoutes.MAX_SCORING_BODY;

  private final EndpointService endpoints;
  private final ServingMetrics metrics;
  private final BooleanSupplier draining;

  OpenInference(EndpointService endpoints, ServingMetrics metrics, BooleanSupplier draining) {
    this.endpoints = endpoints;
    this.metrics = metrics;
    this.draining = draining;
  }

  void live(Context ctx) {
    if (draining.getAsBoolean()) {
      ErrorTranslator.write(
          ctx,
          Dialect.OPEN_INFERENCE,
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "The server is shutting down");
      return;
    }
    Json.write(ctx, Json.object().put(ctx.path().endsWith("ready") ? "ready" : "live", true));
  }

  void ready(Context ctx) {
    String name = ctx.pathParam("name");
    endpoints.get(name);
    boolean ready = endpoints.ready(name);
    Json.write(ctx, Json.object().put("name", name).put("ready", ready));
    if (!ready) {
      ctx.status(503);
    }
  }

  void metadata(Context ctx) {
    String name = ctx.pathParam("name");
    ServedModel m = endpoints.servedModel(name, Optional.empty());
    ObjectNode n = Json.object();
    n.put("name", name);
    n.putArray("versions").add(Long.toString(m.modelVersion()));
    n.put("platform", "keel_" + m.flavor());
    n.set("inputs", specs(m.signature().inputs()));
    n.set("outputs", specs(m.signature().outputs()));
    Json.write(ctx, n);
  }

  private static ArrayNode specs(List<SchemaSpec> specs) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    int i = 0;
    for (SchemaSpec s : specs) {
      ObjectNode o = a.addObject();
      if (s instanceof ColumnSpec c) {
        o.put("name", c.name().orElse("output_" + i));
        o.put("datatype", v2Type(c.type().wireName()));
        o.putArray("shape").add(-1);
      } else if (s instanceof TensorSpec t) {
        o.put("name", t.name().orElse("output_" + i));
        o.put("datatype", v2Type(t.dtype()));
        ArrayNode shape = o.putArray("shape");
        t.shape().forEach(shape::add);
      }
      i++;
    }
    return a;
  }

  private static String v2Type(String t) {
    return switch (t) {
      case "double", "float64" -> "FP64";
      case "float", "float32" -> "FP32";
      case "long", "int64" -> "INT64";
      case "integer", "int32" -> "INT32";
      case "int16" -> "INT16";
      case "int8" -> "INT8";
      case "uint8" -> "UINT8";
      case "boolean", "bool" -> "BOOL";
      default -> "BYTES";
    };
  }

  void infer(Context ctx) {
    String name = ctx.pathParam("name");
    long start = System.nanoTime();
    byte[] raw = ctx.bodyAsBytes();
    int status = 200;
    AtomicReference<Routed> routed = new AtomicReference<>();
    long modelNanos = 0;
    int rows = 0;
    try {
      if (raw.length > MAX_SCORING_BODY) {
        throw new KeelException(
            ErrorCode.REQUEST_TOO_LARGE,
            "The request body is " + raw.length + " bytes; at most " + MAX_SCORING_BODY + ".");
      }
      JsonNode req;
      try {
        req = Json.MAPPER.readTree(raw);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT,
            "The request body is not valid JSON: " + JsonErrors.reason(e, Json.MAX_NESTING),
            e);
      }
      byte[] mlflow = Json.MAPPER.writeValueAsBytes(v2ToMlflow(name, req));
      Invocation inv =
          endpoints.invoke(
              name,
              Optional.empty(),
              "application/json",
              mlflow,
              r -> ServingRoutes.nameServed(ctx, routed, r));
      modelNanos = inv.modelNanos();
      rows = inv.predictions().rows();
      ObjectNode n = Json.object();
      n.put("model_name", name);
      n.put("model_version", Long.toString(inv.modelVersion()));
      if (req.hasNonNull("id")) {
        n.put("id", req.get("id").asText());
      }
      ArrayNode outs = n.putArray("outputs");
      for (OutputTensor t : inv.predictions().outputs()) {
        ObjectNode o = outs.addObject();
        o.put("name", t.name());
        ArrayNode shape = o.putArray("shape");
        for (long d : t.shape()) {
          shape.add(d);
        }
        o.put("datatype", t.isString() ? "BYTES" : "FP64");
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < t.length(); i++) {
          if (t.isString()) {
            data.add(t.stringAt(i));
          } else {
            data.add(t.doubleAt(i));
          }
        }
      }
      Json.write(ctx, n);
    } catch (KeelException e) {
      status = Dialect.OPEN_INFERENCE.status(e.code());
      String message = e.getMessage();
      if (e.code() == ErrorCode.INTERNAL_ERROR) {
        String id = RequestIds.of(ctx);
        LOG.error("request {}: internal error on {}", id, ctx.path(), e);
        message = "Internal error; the server log has the details under request id " + id;
      } else {
        ServingRoutes.logCause(RequestIds.of(ctx), ctx.path(), e);
      }
      ctx.status(status).contentType("application/json").result(v2Error(message));
    } catch (IOException e) {
      status = 500;
      ctx.status(status).contentType("application/json").result(v2Error("could not write JSON"));
    } finally {
      String entity = routed.get() == null ? "" : routed.get().servedEntity();
      if (status != 404) {
        metrics.record(name, entity, status, System.nanoTime() - start, modelNanos, rows);
      }
    }
  }

  private static byte[] v2Error(String message) {
    try {
      return Json.MAPPER.writeValueAsBytes(Json.object().put("error", message));
    } catch (IOException e) {
      return "{\"error\":\"error\"}".getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * V2 input tensors as an MLflow scoring request: tensors of shape {@code [n]} or {@code [n, 1]}
   * become the columns of a {@code dataframe_split}; a single {@code [n, k]} tensor for a model
   * with column inputs becomes its rows (columns in signature order); anything else is sent as a
   * dict of tensors ({@code inputs}).
   */
  private JsonNode v2ToMlflow(String endpoint, JsonNode req) {
    JsonNode inputs = req.path("inputs");
    if (!inputs.isArray() || inputs.isEmpty()) {
      throw KeelException.invalid("'inputs' must be a non-empty list of tensors.");
    }
    List<String> names = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<JsonNode> datas = new ArrayList<>();
    boolean columns = true;
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode t = inputs.get(i);
      String at = "inputs[" + i + "]";
      if (!t.path("name").isTextual()) {
        throw KeelException.invalid("'" + at + ".name' is required (a string).");
      }
      JsonNode sh = t.path("shape");
      if (!sh.isArray() || sh.isEmpty()) {
        throw KeelException.invalid("'" + at + ".shape' is required (a list of sizes).");
      }
      long[] shape = new long[sh.size()];
      long count = 1;
      for (int d = 0; d < sh.size(); d++) {
        if (!sh.get(d).canConvertToExactIntegral() || sh.get(d).asLong() < 0) {
          throw KeelException.invalid("'" + at + ".shape' must hold sizes >= 0.");
        }
        shape[d] = sh.get(d).asLong();
        count *= shape[d];
      }
      JsonNode data = flatten(t.path("data"), at);
      if (data.size() != count) {
        throw KeelException.invalid(
            "'" + at + ".data' has " + data.size() + " values; its shape needs " + count + ".");
      }
      columns &= shape.length == 1 || (shape.length == 2 && shape[1] == 1);
      names.add(t.get("name").asText());
      shapes.add(shape);
      datas.add(data);
    }
    ObjectNode body = Json.object();
    if (columns) {
      long n = shapes.get(0)[0];
      for (int i = 1; i < shapes.size(); i++) {
        if (shapes.get(i)[0] != n) {
          throw KeelException.invalid(
              "'inputs[" + i + "]' has " + shapes.get(i)[0] + " rows; inputs[0] has " + n + ".");
        }
      }
      ObjectNode split = body.putObject("dataframe_split");
      ArrayNode cols = split.putArray("columns");
      names.forEach(cols::add);
      ArrayNode data = split.putArray("data");
      for (int r = 0; r < n; r++) {
        ArrayNode row = data.addArray();
        for (JsonNode d : datas) {
          row.add(d.get(r));
        }
      }
      return body;
    }
    ServedModel m = endpoints.servedModel(endpoint, Optional.empty());
    boolean columnModel = !m.signature().inputs().isEmpty() && !m.signature().tensorInputs();
    if (names.size() == 1 && shapes.get(0).length == 2 && columnModel) {
      long n = shapes.get(0)[0];
      int k = (int) shapes.get(0)[1];
      List<String> sig = new ArrayList<>();
      for (SchemaSpec s : m.signature().inputs()) {
        sig.add(((ColumnSpec) s).name().orElse(""));
      }
      if (sig.size() != k) {
        throw KeelException.invalid(
            "'inputs[0]' has "
                + k
                + " values per row; the model takes "
                + sig.size()
                + " columns.");
      }
      ObjectNode split = body.putObject("dataframe_split");
      ArrayNode cols = split.putArray("columns");
      sig.forEach(cols::add);
      ArrayNode data = split.putArray("data");
      JsonNode flat = datas.get(0);
      for (int r = 0; r < n; r++) {
        ArrayNode row = data.addArray();
        for (int c = 0; c < k; c++) {
          row.add(flat.get(r * k + c));
        }
      }
      return body;
    }
    ObjectNode dict = body.putObject("inputs");
    for (int i = 0; i < names.size(); i++) {
      dict.set(names.get(i), nest(datas.get(i), shapes.get(i), 0, new int[] {0}));
    }
    return body;
  }

  private static JsonNode flatten(JsonNode data, String at) {
    if (!data.isArray()) {
      throw KeelException.invalid("'" + at + ".data' is required (a list).");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    flattenInto(data, out, 0, at);
    return out;
  }

  private static void flattenInto(JsonNode n, ArrayNode out, int depth, String at) {
    if (depth > 8) {
      throw KeelException.invalid("'" + at + ".data' is nested too deeply.");
    }
    for (JsonNode v : n) {
      if (v.isArray()) {
        flattenInto(v, out, depth + 1, at);
      } else {
        out.add(v);
      }
    }
  }

  private static JsonNode nest(JsonNode flat, long[] shape, int dim, int[] pos) {
    if (dim == shape.length) {
      return flat.get(pos[0]++);
    }
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (long i = 0; i < shape[dim]; i++) {
      a.add(nest(flat, shape, dim + 1, pos));
    }
    return a;
  }
}
