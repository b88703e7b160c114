package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets the right 4xx, names the field and writes nothing. */
class BadInputTest {
  @TempDir static Path dir;
  static TestServer s;
  static String exp;
  static String run;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    exp =
        s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"bad-input\"}")
            .json()
            .get("experiment_id")
            .asText();
    run =
        s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + exp + "\"}")
            .json()
            .at("/run/info/run_id")
            .asText();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** The run's data, to check nothing was written. */
  static JsonNode data() {
    return s.get("/api/2.0/mlflow/runs/get?run_id=" + run).json().at("/run/data");
  }

  static void assertNothingWritten() {
    JsonNode d = data();
    assertThat(d.path("metrics").size()).isZero();
    assertThat(d.path("params").size()).isZero();
    // only the mlflow.runName tag set at creation
    assertThat(d.path("tags").size()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"run_id\": }",
        "[1,2]",
        "{\"a\":1}{",
        "nul",
        "{\"run_id\":\"x\",\"run_id\":\"y\"}"
      })
  void malformed_json_is_400(String body) {
    Response r = s.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isIn("MALFORMED_REQUEST", "INVALID_PARAMETER_VALUE", "BAD_REQUEST");
    assertNothingWritten();
  }

  @Test
  void deeply_nested_json_is_400() {
    String body = "{\"run_id\":\"" + run + "\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    Response r = s.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(r.status()).isEqualTo(400);
    assertNothingWritten();
  }

  @Test
  void log_batch_body_over_one_megabyte_is_invalid_parameter_value() {
    String pad = "x".repeat(1024 * 1024);
    String body =
        "{\"run_id\":\""
            + run
            + "\",\"pad\":\""
            + pad
            + "\",\"params\":[{\"key\":\"p\",\"value\":\"v\"}]}";
    Response r = s.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertNothingWritten();
  }

  @Test
  void any_body_over_the_server_limit_is_413() {
    byte[] body = new byte[17 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    Response r = s.post("/api/2.0/mlflow/experiments/create", body);
    assertThat(r.status()).isEqualTo(413);
  }

  @Test
  void keys_over_250_characters_are_refused() {
    String key = "k".repeat(251);
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-batch",
            "{\"run_id\":\"%s\",\"params\":[{\"key\":\"ok\",\"value\":\"1\"},{\"key\":\"%s\",\"value\":\"1\"}]}"
                .formatted(run, key));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("250");
    assertNothingWritten();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a/../../b", "bad\\\\key", "semi;colon", "a\\u0000b"})
  void unsafe_keys_are_refused(String key) {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\"%s\",\"key\":\"%s\",\"value\":1,\"timestamp\":1}".formatted(run, key));
    assertThat(r.status()).as(key).isEqualTo(400);
    assertNothingWritten();
  }

  static Stream<String> oversizedBatches() {
    return Stream.of(batch(1001, 0, 0), batch(0, 101, 0), batch(0, 0, 101), batch(950, 60, 0));
  }

  static String batch(int metrics, int params, int tags) {
    StringBuilder b = new StringBuilder("{\"run_id\":\"" + run + "\",\"metrics\":[");
    for (int i = 0; i < metrics; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"key\":\"m")
          .append(i)
          .append("\",\"value\":1,\"timestamp\":1}");
    }
    b.append("],\"params\":[");
    for (int i = 0; i < params; i++) {
      b.append(i == 0 ? "" : ",").append("{\"key\":\"p").append(i).append("\",\"value\":\"v\"}");
    }
    b.append("],\"tags\":[");
    for (int i = 0; i < tags; i++) {
      b.append(i == 0 ? "" : ",").append("{\"key\":\"t").append(i).append("\",\"value\":\"v\"}");
    }
    return b.append("]}").toString();
  }

  @ParameterizedTest
  @MethodSource("oversizedBatches")
  void batches_over_the_limits_are_refused_whole(String body) {
    Response r = s.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("at most");
    assertNothingWritten();
  }

  @Test
  void duplicate_param_keys_in_one_batch_are_refused() {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-batch",
            "{\"run_id\":\"%s\",\"params\":[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"a\",\"value\":\"2\"}]}"
                .formatted(run));
    assertThat(r.status()).isEqualTo(400);
    assertNothingWritten();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1.5", "\"ten\"", "NaN"})
  void nan_infinity_or_text_in_integer_fields_are_refused(String ts) {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\"%s\",\"key\":\"m\",\"value\":1,\"timestamp\":%s}".formatted(run, ts));
    assertThat(r.status()).as(ts).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("timestamp");
    assertNothingWritten();
  }

  @Test
  void non_numeric_metric_value_is_refused() {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\"%s\",\"key\":\"m\",\"value\":\"high\",\"timestamp\":1}".formatted(run));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("value");
    assertNothingWritten();
  }

  @Test
  void runs_in_unknown_experiments_are_404_and_not_created() {
    Response r = s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"424242\"}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    Response nonNumeric = s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"abc\"}");
    assertThat(nonNumeric.status()).isEqualTo(404);
    JsonNode all =
        s.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"424242\",\"abc\"]}").json();
    assertThat(all.path("runs").size()).isZero();
  }

  @Test
  void unknown_run_is_404() {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\"%s\",\"key\":\"m\",\"value\":1,\"timestamp\":1}"
                .formatted("0".repeat(32)));
    assertThat(r.status()).isEqualTo(404);
  }

  @Test
  void max_results_over_the_cap_is_refused() {
    Response r =
        s.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"],\"max_results\":50001}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("max_results");
  }

  @Test
  void garbage_page_token_is_refused() {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"],\"page_token\":\"%%%\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("page_token");
  }

  @Test
  void experiment_artifact_location_outside_keel_is_refused() {
    for (String loc :
        new String[] {"file:///etc", "http://169.254.169.254/", "../x", "s3://bucket/x"}) {
      Response r =
          s.post(
              "/api/2.0/mlflow/experiments/create",
              "{\"name\":\"loc-" + loc.length() + "\",\"artifact_location\":\"" + loc + "\"}");
      assertThat(r.status()).as(loc).isEqualTo(400);
      assertThat(r.json().get("message").asText()).contains("artifact_location");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/2.0/mlflow-artifacts/artifacts/..%2F..%2Fetc%2Fpasswd",
        "/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/etc/passwd",
        "/api/2.0/mlflow-artifacts/artifacts/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/api/2.0/mlflow-artifacts/artifacts/a/..%5C..%5Cetc",
        "/api/2.0/mlflow-artifacts/artifacts/%2Fetc%2Fpasswd",
        "/api/2.0/mlflow-artifacts/artifacts/a%00b",
        "/api/2.0/mlflow-artifacts/artifacts/a;b/..%2f..%2fx",
        "/api/2.0/mlflow-artifacts/artifacts/C:%5Cwindows"
      })
  void artifact_path_traversal_is_400_and_writes_nothing(String path) throws Exception {
    Path outside = dir.getParent().resolve("x"); // where a/..%2f..%2fx would land
    boolean existedBefore = Files.exists(outside); // another program's /tmp/x is not our write
    Map<String, String> before = tree(dir);
    Response get = s.getRaw(path);
    assertThat(get.status()).as("GET " + path).isEqualTo(400);
    assertThat(tree(dir)).as("data dir after GET " + path).isEqualTo(before);
    Response put = s.put(path, "owned".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).as("PUT " + path).isEqualTo(400);
    assertThat(tree(dir)).as("data dir after PUT " + path).isEqualTo(before);
    Response del = s.delete(path);
    assertThat(del.status()).as("DELETE " + path).isEqualTo(400);
    assertThat(tree(dir)).as("data dir after DELETE " + path).isEqualTo(before);
    if (!existedBefore) {
      assertThat(Files.exists(outside)).isFalse();
    } else if (Files.isRegularFile(outside)) {
      assertThat(Files.readString(outside)).isNotEqualTo("owned");
    }
  }

  /**
   * The data dir's file tree: each file's relative path → its size and modification time. Equal
   * trees before and after a request mean it wrote nothing, whatever it might have named a file.
   */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.put(
            root.relativize(p).toString(),
            (a.isDirectory() ? "dir" : a.size() + " bytes") + " @ " + a.lastModifiedTime());
      }
    }
    return out;
  }
}
