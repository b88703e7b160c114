package dev.keel.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import io.javalin.router.EndpointMetadata;

/**
 * The wire dialect an API answers errors in. The domain throws protocol-neutral {@link ErrorCode}s;
 * each route is registered under one dialect (by its path prefix, see {@link Routes#dialect}), and
 * {@link ErrorTranslator} writes the code the way that API's official clients expect it:
 *
 * <table>
 *   <caption>Neutral code → wire code (HTTP status)</caption>
 *   <tr><th>neutral</th><th>MLflow</th><th>Unity Catalog</th><th>Databricks</th><th>scoring</th></tr>
 *   <tr><td>INVALID_ARGUMENT</td><td>INVALID_PARAMETER_VALUE</td><td>INVALID_ARGUMENT</td>
 *       <td>INVALID_PARAMETER_VALUE</td><td>BAD_REQUEST</td></tr>
 *   <tr><td>MALFORMED_REQUEST</td><td>MALFORMED_REQUEST</td><td>INVALID_ARGUMENT</td>
 *       <td>MALFORMED_REQUEST</td><td>MALFORMED_REQUEST</td></tr>
 *   <tr><td>FAILED_PRECONDITION</td><td>INVALID_PARAMETER_VALUE</td><td>FAILED_PRECONDITION</td>
 *       <td>BAD_REQUEST</td><td>BAD_REQUEST</td></tr>
 *   <tr><td>NOT_FOUND</td><td>RESOURCE_DOES_NOT_EXIST</td><td>NOT_FOUND</td>
 *       <td>RESOURCE_DOES_NOT_EXIST</td><td>RESOURCE_DOES_NOT_EXIST</td></tr>
 *   <tr><td>ALREADY_EXISTS</td><td>RESOURCE_ALREADY_EXISTS (400)</td><td>ALREADY_EXISTS</td>
 *       <td>RESOURCE_ALREADY_EXISTS</td><td>RESOURCE_ALREADY_EXISTS</td></tr>
 *   <tr><td>CONFLICT</td><td>RESOURCE_CONFLICT</td><td>ABORTED</td><td>RESOURCE_CONFLICT</td>
 *       <td>RESOURCE_CONFLICT</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>RESOURCE_EXHAUSTED</td><td>RESOURCE_EXHAUSTED</td>
 *       <td>REQUEST_LIMIT_EXCEEDED</td><td>REQUEST_LIMIT_EXCEEDED</td></tr>
 *   <tr><td>ENDPOINT_NOT_FOUND</td><td>ENDPOINT_NOT_FOUND</td><td>NOT_FOUND</td>
 *       <td>ENDPOINT_NOT_FOUND</td><td>ENDPOINT_NOT_FOUND</td></tr>
 *   <tr><td>INTERNAL_ERROR</td><td>INTERNAL_ERROR</td><td>INTERNAL</td><td>INTERNAL_ERROR</td>
 *       <td>INTERNAL_ERROR</td></tr>
 *   <tr><td>NOT_IMPLEMENTED</td><td>NOT_IMPLEMENTED</td><td>UNIMPLEMENTED</td>
 *       <td>NOT_IMPLEMENTED</td><td>NOT_IMPLEMENTED</td></tr>
 *   <tr><td>TEMPORARILY_UNAVAILABLE</td><td>TEMPORARILY_UNAVAILABLE</td><td>UNAVAILABLE</td>
 *       <td>TEMPORARILY_UNAVAILABLE</td><td>TEMPORARILY_UNAVAILABLE</td></tr>
 * </table>
 *
 * <p>Codes not in the table keep their neutral name in every dialect. The status is the neutral
 * code's, except MLflow's duplicate (400, a quirk its clients rely on). {@link #KEEL} (Keel's own
 * APIs) writes the neutral names; {@link #OPEN_INFERENCE} (KServe's V2 protocol) writes {@code
 * {"error": message}}.
 */
public enum Dialect implements EndpointMetadata {
  /** MLflow REST 2.0 and the artifact proxy ({@code databricks.proto} codes). */
  MLFLOW,
  /** Unity Catalog REST 2.1 (gRPC-style codes of UC's {@code exception/ErrorCode.java}). */
  UNITY_CATALOG,
  /** Databricks workspace APIs: serving endpoints, feature store, jobs. */
  DATABRICKS,
  /** The MLflow scoring protocol ({@code /invocations}), as MLflow's scoring server answers. */
  SCORING,
  /** Open Inference Protocol V2 ({@code /v2/...}). */
  OPEN_INFERENCE,
  /** Keel's own APIs: the neutral codes as they are. */
  KEEL;

  /** The {@code error_code} this dialect writes for {@code code}. */
  public String errorCode(ErrorCode code) {
    return switch (this) {
      case MLFLOW ->
          switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> "INVALID_PARAMETER_VALUE";
            case NOT_FOUND -> "RESOURCE_DOES_NOT_EXIST";
            case ALREADY_EXISTS -> "RESOURCE_ALREADY_EXISTS";
            case CONFLICT -> "RESOURCE_CONFLICT";
            default -> code.name();
          };
      case UNITY_CATALOG ->
          switch (code) {
            case MALFORMED_REQUEST -> "INVALID_ARGUMENT";
            case ENDPOINT_NOT_FOUND -> "NOT_FOUND";
            case CONFLICT -> "ABORTED";
            case INTERNAL_ERROR -> "INTERNAL";
            case NOT_IMPLEMENTED -> "UNIMPLEMENTED";
            case TEMPORARILY_UNAVAILABLE -> "UNAVAILABLE";
            default -> code.name();
          };
      case DATABRICKS, SCORING ->
          switch (code) {
            case INVALID_ARGUMENT -> this == SCORING ? "BAD_REQUEST" : "INVALID_PARAMETER_VALUE";
            case FAILED_PRECONDITION -> "BAD_REQUEST";
            case NOT_FOUND -> "RESOURCE_DOES_NOT_EXIST";
            case ALREADY_EXISTS -> "RESOURCE_ALREADY_EXISTS";
            case CONFLICT -> "RESOURCE_CONFLICT";
            case RESOURCE_EXHAUSTED -> "REQUEST_LIMIT_EXCEEDED";
            default -> code.name();
          };
      case OPEN_INFERENCE, KEEL -> code.name();
    };
  }

  /** The HTTP status this dialect answers {@code code} with. */
  public int status(ErrorCode code) {
    if (this == MLFLOW && code == ErrorCode.ALREADY_EXISTS) {
      return 400; // MLflow's RESOURCE_ALREADY_EXISTS is a 400, and its clients rely on it
    }
    return code.httpStatus();
  }

  /** The error body without a request id (see {@link #body(ErrorCode, String, String)}). */
  public ObjectNode body(ErrorCode code, String message) {
    return body(code, message, null);
  }

  /**
   * The error body: {@code {"error_code", "message", "details"}}, or {@code {"error"}} for V2. The
   * request id, when given, is in {@code details} as a {@code google.rpc.RequestInfo}, the way
   * Databricks' REST errors carry it; the official MLflow, Unity Catalog and Databricks clients
   * read {@code error_code} and {@code message} and tolerate the extra field. V2 errors have no
   * room for it: the {@code X-Request-Id} header carries it for every dialect.
   */
  public ObjectNode body(ErrorCode code, String message, String requestId) {
    ObjectNode body = Json.object();
    String text = message == null || message.isEmpty() ? code.name() : message;
    if (this == OPEN_INFERENCE) {
      body.put("error", text);
    } else {
      body.put("error_code", errorCode(code));
      body.put("message", text);
      if (requestId != null) {
        body.putArray("details")
            .addObject()
            .put("@type", "type.googleapis.com/google.rpc.RequestInfo")
            .put("request_id", requestId)
            .put("serving_data", "");
      }
    }
    return body;
  }
}
