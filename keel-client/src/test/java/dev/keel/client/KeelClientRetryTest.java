package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry policy, against a scripted HTTP peer (a Keel server cannot be made to answer 503 on
 * demand): safe calls are retried on 503, unsafe ones are not, and non-JSON errors still map to an
 * error code.
 */
class KeelClientRetryTest {
  private HttpServer peer;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private KeelClient client;

  @BeforeEach
  void start() throws IOException {
    peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peer.createContext("/", this::handle);
    peer.start();
    client =
        KeelClient.builder("http://127.0.0.1:" + peer.getAddress().getPort())
            .maxAttempts(3)
            .retryBackoff(Duration.ofMillis(5))
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    peer.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    ex.getRequestBody().readAllBytes();
    switch (path) {
      case "/api/2.0/mlflow/experiments/get" ->
          reply(
              ex,
              n == 1 ? 503 : 200,
              n == 1
                  ? "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"busy\"}"
                  : "{\"experiment\":{\"experiment_id\":\"7\",\"name\":\"e\","
                      + "\"artifact_location\":\"mlflow-artifacts:/7\",\"lifecycle_stage\":\"active\","
                      + "\"creation_time\":\"5\",\"last_update_time\":6}}");
      case "/api/2.0/mlflow/runs/set-tag" -> reply(ex, n == 1 ? 503 : 200, n == 1 ? "" : "{}");
      case "/api/2.0/mlflow/runs/create" -> reply(ex, 503, "<html>overloaded</html>");
      case "/api/2.0/mlflow/experiments/delete" -> reply(ex, 502, "bad gateway");
      default -> reply(ex, 404, "<html>not found</html>");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  @Test
  void reads_are_retried_after_a_503() {
    Experiment e = client.tracking().getExperiment("7");
    assertThat(e.name()).isEqualTo("e");
    assertThat(e.creationTime()).isEqualTo(5); // int64 given as a string is accepted
    assertThat(hits.get("/api/2.0/mlflow/experiments/get").get()).isEqualTo(2);
  }

  @Test
  void idempotent_writes_are_retried_after_a_503() {
    client.tracking().setTag("r", "k", "v");
    assertThat(hits.get("/api/2.0/mlflow/runs/set-tag").get()).isEqualTo(2);
  }

  @Test
  void creating_a_run_is_not_retried_after_a_503() {
    assertThatThrownBy(() -> client.tracking().createRun("0"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("TEMPORARILY_UNAVAILABLE");
              assertThat(e.httpStatus()).isEqualTo(503);
            });
    assertThat(hits.get("/api/2.0/mlflow/runs/create").get()).isEqualTo(1);
  }

  @Test
  void deleting_is_not_retried_and_a_plain_text_error_keeps_its_text() {
    assertThatThrownBy(() -> client.tracking().deleteExperiment("1"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(502);
              assertThat(e.getMessage()).contains("bad gateway");
            });
    assertThat(hits.get("/api/2.0/mlflow/experiments/delete").get()).isEqualTo(1);
  }

  @Test
  void an_html_404_maps_to_endpoint_not_found() {
    assertThatThrownBy(() -> client.tracking().searchRuns(RunQuery.in("0")))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
              assertThat(e.httpStatus()).isEqualTo(404);
            });
  }

  @Test
  void get_by_name_on_a_server_without_the_endpoint_is_an_error_not_empty() {
    assertThatThrownBy(() -> client.tracking().getExperimentByName("x"))
        .isInstanceOf(KeelClientException.class);
  }
}
