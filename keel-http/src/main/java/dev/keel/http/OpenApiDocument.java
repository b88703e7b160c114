package dev.keel.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keel's OpenAPI 3.1 document, assembled from the part each {@link ApiModule} contributes and the
 * route table. A module's part is the resource {@code <ModuleClass>.openapi.yaml} beside its class:
 * an OpenAPI fragment with {@code paths} (each operation's summary, parameters, request and 200
 * response schemas) and {@code components.schemas}. From the route table the document gets, for
 * every operation: the path parameters a part leaves out, the error responses in the route's {@link
 * Dialect}, and {@code x-keel-access} / {@code x-keel-dialect}; the MLflow mirror under {@code
 * /ajax-api} is documented by copying its {@code /api} twin. Anything a part documents that no
 * route serves stays in the document, so the both-ways test sees it.
 */
public final class OpenApiDocument {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern PATH_PARAM = Pattern.compile("\\{(\\w+)}|<(\\w+)>");

  private OpenApiDocument() {}

  /** The OpenAPI path of a route template: {@code <path>} becomes {@code {path}}. */
  public static String openApiPath(String routePath) {
    return routePath.replaceAll("<(\\w+)>", "{$1}");
  }

  /**
   * Builds the document.
   *
   * @param version Keel's version, written as {@code info.version}
   * @param modules the modules whose parts are merged
   * @param routes every registered route
   * @throws IllegalStateException if a part cannot be read or two parts document the same operation
   *     or define one schema differently
   */
  public static ObjectNode build(
      String version, List<ApiModule> modules, List<HttpServer.Route> routes) {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.1.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Keel API");
    info.put("version", version);
    info.put(
        "description",
        "Every HTTP API a Keel server serves: MLflow tracking and registry, Unity Catalog,"
            + " Databricks serving endpoints and feature store, Open Inference Protocol V2,"
            + " and Keel's own extensions. Errors are written in each API's own dialect"
            + " (x-keel-dialect).");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    ArrayNode tags = doc.putArray("tags");
    errorSchemas(schemas);
    for (ApiModule m : modules) {
      merge(m, paths, schemas, tags);
    }
    for (HttpServer.Route r : routes) {
      decorate(paths, r);
    }
    return doc;
  }

  private static void errorSchemas(ObjectNode schemas) {
    ObjectNode error = schemas.putObject("Error");
    error.put("type", "object");
    error.put("description", "An error, in the dialect of the API called (x-keel-dialect).");
    error.putArray("required").add("error_code").add("message");
    ObjectNode props = error.putObject("properties");
    props.putObject("error_code").put("type", "string");
    props.putObject("message").put("type", "string");
    ObjectNode v2 = schemas.putObject("OpenInferenceError");
    v2.put("type", "object");
    v2.put("description", "An Open Inference Protocol V2 error.");
    v2.putArray("required").add("error");
    v2.putObject("properties").putObject("error").put("type", "string");
  }

  private static void merge(ApiModule m, ObjectNode paths, ObjectNode schemas, ArrayNode tags) {
    String resource = m.getClass().getSimpleName() + ".openapi.yaml";
    JsonNode part;
    try (InputStream in = m.getClass().getResourceAsStream(resource)) {
      if (in == null) {
        return; // a module without a part: its routes show up as undocumented in the test
      }
      part = YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = part.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      ObjectNode target =
          paths.has(p.getKey()) ? (ObjectNode) paths.get(p.getKey()) : paths.putObject(p.getKey());
      for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (target.has(op.getKey())) {
          throw new IllegalStateException(
              resource + ": " + op.getKey() + " " + p.getKey() + " is documented twice");
        }
        target.set(op.getKey(), op.getValue().deepCopy());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it =
            part.path("components").path("schemas").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> s = it.next();
      JsonNode before = schemas.get(s.getKey());
      if (before != null && !before.equals(s.getValue())) {
        throw new IllegalStateException(
            resource + ": schema " + s.getKey() + " is defined differently by another module");
      }
      schemas.set(s.getKey(), s.getValue().deepCopy());
    }
    for (JsonNode t : part.path("tags")) {
      tags.add(t.deepCopy());
    }
  }

  private static void decorate(ObjectNode paths, HttpServer.Route r) {
    String path = openApiPath(r.path());
    String method = r.method().toLowerCase(Locale.ROOT);
    JsonNode item = paths.get(path);
    if ((item == null || !item.has(method)) && path.startsWith("/ajax-api/")) {
      JsonNode twin = paths.path(path.replaceFirst("^/ajax-api/", "/api/")).get(method);
      if (twin != null) {
        ObjectNode copy = (ObjectNode) twin.deepCopy();
        if (copy.has("operationId")) {
          copy.put("operationId", copy.get("operationId").asText() + "Ajax");
        }
        copy.put(
            "description",
            "The MLflow UI's mirror of " + path.replaceFirst("^/ajax-api/", "/api/") + ".");
        item = paths.has(path) ? paths.get(path) : paths.putObject(path);
        ((ObjectNode) item).set(method, copy);
      }
    }
    if (item == null || !item.has(method)) {
      return; // undocumented: the both-ways test names it
    }
    ObjectNode op = (ObjectNode) item.get(method);
    ObjectNode access = op.putObject("x-keel-access");
    access.put("securable", r.access().securable().name());
    access.put("privilege", r.access().privilege().name());
    op.put("x-keel-dialect", r.dialect().name());
    pathParameters(op, path);
    ObjectNode responses =
        op.has("responses") ? (ObjectNode) op.get("responses") : op.putObject("responses");
    String schema =
        r.dialect() == Dialect.OPEN_INFERENCE
            ? "#/components/schemas/OpenInferenceError"
            : "#/components/schemas/Error";
    error(
        responses,
        "4XX",
        "Bad input, unknown object or conflict (" + r.dialect() + " codes).",
        schema);
    error(responses, "5XX", "Server error or a dependency that is down.", schema);
  }

  private static void error(ObjectNode responses, String status, String description, String ref) {
    if (responses.has(status)) {
      return;
    }
    ObjectNode resp = responses.putObject(status);
    resp.put("description", description);
    resp.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref);
  }

  private static void pathParameters(ObjectNode op, String path) {
    ArrayNode params =
        op.has("parameters") ? (ArrayNode) op.get("parameters") : op.putArray("parameters");
    Matcher m = PATH_PARAM.matcher(path);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      boolean declared = false;
      for (JsonNode p : params) {
        declared |= "path".equals(p.path("in").asText()) && name.equals(p.path("name").asText());
      }
      if (!declared) {
        ObjectNode p = params.addObject();
        p.put("name", name);
        p.put("in", "path");
        p.put("required", true);
        p.putObject("schema").put("type", "string");
      }
    }
    if (params.isEmpty()) {
      op.remove("parameters");
    }
  }
}
