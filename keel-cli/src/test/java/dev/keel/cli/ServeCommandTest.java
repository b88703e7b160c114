package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelClient;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keel serve} end to end: the Python-trained XGBoost fixture is registered on a real Keel
 * server with the alias {@code champion}, served by the command (in-process, port 0) and scored
 * over HTTP; predictions match Python xgboost's within 1e-6.
 */
class ServeCommandTest {
  static final List<String> PACKAGE_FILES =
      List.of("MLmodel", "model.json", "input_example.json", "serving_input_example.json");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern SERVING =
      Pattern.compile("Serving (\\S+) \\(version (\\d+), (\\w+)\\) at (\\S+)");

  @TempDir static Path dataDir;
  @TempDir Path work;
  static KeelServer server;
  static KeelClient client;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static JsonNode resource(String path) throws IOException {
    try (InputStream in = ServeCommandTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return JSON.readTree(in);
    }
  }

  @Test
  void serves_a_registered_model_by_alias_with_python_predictions() throws Exception {
    Path pkg = Files.createDirectory(work.resolve("xgb"));
    for (String f : PACKAGE_FILES) {
      try (InputStream in =
          ServeCommandTest.class.getResourceAsStream("/fixtures/xgboost-model/" + f)) {
        assertThat(in).as(f).isNotNull();
        Files.copy(in, pkg.resolve(f));
      }
    }
    String full = "main.default.serve_" + UUID.randomUUID().toString().substring(0, 8);
    client.registry().createModel(full, "served by keel serve");
    ModelVersion v = client.registry().registerModel(full, pkg, "");
    assertThat(v.status()).isEqualTo(ModelVersionStatus.READY);
    client.registry().setAlias(full, "champion", v.version());
    String uri = "models:/" + full + "@champion";

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(Map.of(), "serve");
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving =
        Thread.ofPlatform()
            .start(
                () -> exit.set(cmd.execute("serve", uri, "--port", "0", "--server", server.url())));
    Matcher m = SERVING.matcher("");
    long until = System.nanoTime() + 60_000_000_000L;
    while (!(m = SERVING.matcher(out.toString())).find()) {
      assertThat(serving.isAlive()).as("serve exited: " + err).isTrue();
      assertThat(System.nanoTime()).as("serve did not start: " + err).isLessThan(until);
      Thread.sleep(50);
    }
    assertThat(m.group(1)).isEqualTo(uri);
    assertThat(m.group(2)).isEqualTo(Long.toString(v.version()));
    assertThat(m.group(3)).isEqualTo("xgboost");
    String url = m.group(4);

    try (HttpClient http = HttpClient.newHttpClient()) {
      JsonNode input = resource("/fixtures/xgboost-model/scoring_input.json");
      ObjectNode body = JSON.createObjectNode();
      body.set("dataframe_split", input);
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/invocations"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode preds = JSON.readTree(r.body()).get("predictions");
      JsonNode expected =
          resource("/fixtures/xgboost-model/expected_predictions.json").get("predictions");
      assertThat(preds.size()).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(preds.get(i).doubleValue())
            .isCloseTo(expected.get(i).doubleValue(), within(1e-6));
      }

      HttpResponse<String> bad =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/invocations"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"dataframe_records\": [{\"f0\": 1}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).get("error_code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(bad.body()).contains("f1").contains("f2").contains("f3");

      for (String probe : List.of("/ping", "/health")) {
        assertThat(
                http.send(
                        HttpRequest.newBuilder(URI.create(url + probe)).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      }
      JsonNode version =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create(url + "/version")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(version.get("model_uri").asText()).isEqualTo(uri);
      assertThat(version.get("model_version").asLong()).isEqualTo(v.version());
      assertThat(version.get("keel_version").asText()).isEqualTo(KeelServer.version());
    }

    serving.interrupt();
    serving.join(30_000);
    assertThat(serving.isAlive()).isFalse();
    assertThat(exit.get()).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Stopped serving " + uri);
  }

  @Test
  void unknown_alias_fails_with_not_found() {
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(Map.of(), "serve");
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    int exit =
        cmd.execute(
            "serve",
            "models:/main.default.nope_serve@champion",
            "--port",
            "0",
            "--server",
            server.url());
    assertThat(exit).isEqualTo(Main.EXIT_FAILURE);
    assertThat(err.toString()).startsWith("error: NOT_FOUND: ");
  }
}
