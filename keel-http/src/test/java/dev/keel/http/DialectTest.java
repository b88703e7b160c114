package dev.keel.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.ErrorCode;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialectTest {
  /** Codes MLflow's databricks.proto defines (the ones its clients know). */
  private static final Set<String> MLFLOW_CODES =
      Set.of(
          "INVALID_PARAMETER_VALUE",
          "MALFORMED_REQUEST",
          "BAD_REQUEST",
          "RESOURCE_DOES_NOT_EXIST",
          "RESOURCE_ALREADY_EXISTS",
          "RESOURCE_CONFLICT",
          "UNAUTHENTICATED",
          "PERMISSION_DENIED",
          "ENDPOINT_NOT_FOUND",
          "RESOURCE_EXHAUSTED",
          "INTERNAL_ERROR",
          "NOT_IMPLEMENTED",
          "TEMPORARILY_UNAVAILABLE",
          "REQUEST_LIMIT_EXCEEDED");

  /** Codes of Unity Catalog's exception/ErrorCode.java. */
  private static final Set<String> UC_CODES =
      Set.of(
          "INVALID_ARGUMENT",
          "NOT_FOUND",
          "ALREADY_EXISTS",
          "PERMISSION_DENIED",
          "UNAUTHENTICATED",
          "RESOURCE_EXHAUSTED",
          "FAILED_PRECONDITION",
          "ABORTED",
          "UNIMPLEMENTED",
          "INTERNAL",
          "UNAVAILABLE");

  /** Transport-level refusals every dialect keeps under Keel's name (no protocol has one). */
  private static final Set<ErrorCode> TRANSPORT =
      EnumSet.of(
          ErrorCode.METHOD_NOT_ALLOWED,
          ErrorCode.REQUEST_TOO_LARGE,
          ErrorCode.REQUEST_TIMEOUT,
          ErrorCode.UNSUPPORTED_MEDIA_TYPE);

  @Test
  void mlflow_answers_only_in_mlflow_codes() {
    for (ErrorCode c : ErrorCode.values()) {
      if (!TRANSPORT.contains(c)) {
        assertThat(MLFLOW_CODES).as(c.name()).contains(Dialect.MLFLOW.errorCode(c));
      }
    }
  }

  @Test
  void unity_catalog_answers_only_in_unity_catalog_codes() {
    for (ErrorCode c : ErrorCode.values()) {
      if (!TRANSPORT.contains(c)) {
        assertThat(UC_CODES).as(c.name()).contains(Dialect.UNITY_CATALOG.errorCode(c));
      }
    }
  }

  @Test
  void databricks_and_scoring_answer_only_in_databricks_codes() {
    for (ErrorCode c : ErrorCode.values()) {
      if (!TRANSPORT.contains(c)) {
        assertThat(MLFLOW_CODES).as(c.name()).contains(Dialect.DATABRICKS.errorCode(c));
        assertThat(MLFLOW_CODES).as(c.name()).contains(Dialect.SCORING.errorCode(c));
      }
    }
  }

  @Test
  void every_wire_code_a_dialect_writes_reads_back_as_a_neutral_code_of_the_same_status() {
    for (Dialect d : Dialect.values()) {
      for (ErrorCode c : ErrorCode.values()) {
        ErrorCode back = ErrorCode.fromWire(d.errorCode(c)).orElseThrow();
        assertThat(back.httpStatus() / 100).as(d + " " + c).isEqualTo(c.httpStatus() / 100);
      }
    }
  }

  @Test
  void mlflow_duplicate_is_a_400_and_everywhere_else_a_409() {
    assertThat(Dialect.MLFLOW.status(ErrorCode.ALREADY_EXISTS)).isEqualTo(400);
    assertThat(Dialect.UNITY_CATALOG.status(ErrorCode.ALREADY_EXISTS)).isEqualTo(409);
    assertThat(Dialect.DATABRICKS.status(ErrorCode.ALREADY_EXISTS)).isEqualTo(409);
    assertThat(Dialect.KEEL.status(ErrorCode.ALREADY_EXISTS)).isEqualTo(409);
  }

  @Test
  void scoring_calls_bad_input_bad_request_as_mlflow_scoring_server_does() {
    assertThat(Dialect.SCORING.errorCode(ErrorCode.INVALID_ARGUMENT)).isEqualTo("BAD_REQUEST");
    assertThat(Dialect.DATABRICKS.errorCode(ErrorCode.INVALID_ARGUMENT))
        .isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void open_inference_writes_an_error_field_only() {
    var body = Dialect.OPEN_INFERENCE.body(ErrorCode.NOT_FOUND, "no model m");
    assertThat(body.toString()).isEqualTo("{\"error\":\"no model m\"}");
    var uc = Dialect.UNITY_CATALOG.body(ErrorCode.NOT_FOUND, "no table t");
    assertThat(uc.toString())
        .isEqualTo("{\"error_code\":\"NOT_FOUND\",\"message\":\"no table t\"}");
  }
}
