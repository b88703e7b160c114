package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.serving.http.ScoringServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringServerTest {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private LoadedModel model;
  private ScoringServer server;

  @BeforeEach
  void start() throws Exception {
    model = new ModelLoader().load(Fixtures.copy("xgboost-model", tmp));
    server =
        ScoringServer.start(
            model,
            new ScoringServer.ServedModel("models:/main.default.xgb@champion", 3),
            ScoringServer.Options.of(0));
  }

  @AfterEach
  void stop() {
    server.close();
    model.close();
  }

  private HttpResponse<String> post(String contentType, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/invocations"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void every_format_scores_like_python_over_http() throws Exception {
    double[] expected = Fixtures.expected("xgboost-model");
    for (Payloads.Payload p : Payloads.all(Fixtures.input("xgboost-model")).values()) {
      HttpResponse<String> r = post(p.contentType(), p.body());
      assertThat(r.statusCode()).as(p.format() + ": " + r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      JsonNode preds = Fixtures.JSON.readTree(r.body()).get("predictions");
      for (int i = 0; i < expected.length; i++) {
        assertThat(preds.get(i).doubleValue()).as(p.format()).isCloseTo(expected[i], within(1e-6));
      }
    }
  }

  @Test
  void probes_and_version() throws Exception {
    assertThat(get("/ping").statusCode()).isEqualTo(200);
    assertThat(get("/health").statusCode()).isEqualTo(200);
    JsonNode v = Fixtures.JSON.readTree(get("/version").body());
    assertThat(v.get("model_uri").asText()).isEqualTo("models:/main.default.xgb@champion");
    assertThat(v.get("model_version").asLong()).isEqualTo(3);
    assertThat(v.get("keel_version").asText()).isNotBlank().isNotEqualTo("unknown");
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void bad_input_is_a_400_naming_the_column_and_the_server_keeps_serving() throws Exception {
    String[] bodies = {
      "{\"dataframe_split\": {\"columns\": [\"f0\", \"f1\", \"f2\", \"x\"], \"data\": [[1, 2, 3, 4]]}}",
      "{\"dataframe_records\": [{\"f0\": 1, \"f1\": \"one\", \"f2\": 3, \"f3\": 4}]}",
      "{\"instances\": [[1, 2, 3]]}",
      "{\"inputs\": {\"f0\": [1], \"f1\": [2], \"f2\": [3]}}",
      "",
      "{\"inputs\": " + "[".repeat(5000) + "]".repeat(5000) + "}",
    };
    String[] expect = {"[f3]", "Input 'f1'", "ragged", "[f3]", "empty", "nested too deeply"};
    for (int k = 0; k < bodies.length; k++) {
      HttpResponse<String> r = post("application/json", bodies[k].getBytes());
      assertThat(r.statusCode()).as(bodies[k]).isEqualTo(400);
      JsonNode e = Fixtures.JSON.readTree(r.body());
      assertThat(e.get("error_code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(e.get("message").asText()).contains(expect[k]);
    }
    HttpResponse<String> csv = post("text/csv", "f0,f1,f2,f3\n1,2,3,4\n1,2\n".getBytes());
    assertThat(csv.statusCode()).isEqualTo(400);
    assertThat(csv.body()).contains("ragged");
    assertThat(post("application/xml", "<a/>".getBytes()).statusCode()).isEqualTo(415);
    byte[] tenMb = new byte[10 << 20];
    java.util.Arrays.fill(tenMb, (byte) ' ');
    HttpResponse<String> big = post("application/json", tenMb);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(Fixtures.JSON.readTree(big.body()).get("error_code").asText())
        .isEqualTo("REQUEST_TOO_LARGE");
    Payloads.Payload ok = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_split");
    assertThat(post(ok.contentType(), ok.body()).statusCode()).isEqualTo(200);
  }

  @Test
  void a_web_page_cannot_score_through_the_browser() throws Exception {
    Payloads.Payload ok = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_split");
    HttpResponse<String> plain = post("text/plain", ok.body());
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(plain.body()).contains("text/plain").contains("application/json or text/csv");
    HttpResponse<String> foreign =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/invocations"))
                .header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ok.body()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(Fixtures.JSON.readTree(foreign.body()).get("error_code").asText())
        .isEqualTo("PERMISSION_DENIED");
    HttpResponse<String> same =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/invocations"))
                .header("Content-Type", ok.contentType())
                .header("Origin", server.url())
                .POST(HttpRequest.BodyPublishers.ofByteArray(ok.body()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
  }

  @Test
  void close_drains_requests_in_flight_and_refuses_new_ones() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LoadedModel slow =
        new LoadedModel() {
          @Override
          public String flavor() {
            return model.flavor();
          }

          @Override
          public ModelSignature signature() {
            return model.signature();
          }

          @Override
          public Predictions predict(InputBatch batch) {
            entered.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return model.predict(batch);
          }

          @Override
          public void close() {}
        };
    ScoringServer s =
        ScoringServer.start(
            slow,
            new ScoringServer.ServedModel("models:/a.b.c/1", 1),
            new ScoringServer.Options(
                "127.0.0.1", 0, 1 << 20, ScoringLimits.DEFAULT, Duration.ofSeconds(10)));
    Payloads.Payload p = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_split");
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(s.url() + "/invocations"))
            .header("Content-Type", p.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(p.body()))
            .build();
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    HttpResponse<String> health;
    do {
      health =
          http.send(
              HttpRequest.newBuilder(URI.create(s.url() + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
    } while (health.statusCode() == 200 && System.nanoTime() < until);
    assertThat(health.statusCode()).isEqualTo(503);
    HttpResponse<String> refused = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(closing).isNotDone();
    release.countDown();
    HttpResponse<String> done = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).startsWith("{\"predictions\":[");
    closing.get(10, TimeUnit.SECONDS);
  }
}
