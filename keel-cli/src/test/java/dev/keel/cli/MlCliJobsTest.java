package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.keel.catalog.identity.AuthSettings;
import dev.keel.client.IdentitiesClient;
import dev.keel.client.KeelClient;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel ml ...} as a job's task runs it, against a real server with authentication on: the
 * results become task values of {@code KEEL_TASK_RUN_ID}, the commands act with the caller's token
 * (a user without grants is refused), and bad parameters are refused before anything changes.
 */
class MlCliJobsTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static String admin;
  static KeelClient client;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    server =
        KeelServer.start(
            new KeelConfig("127.0.0.1", 0, dataDir, "").with(AuthSettings.AUTH, "true"));
    admin = Files.readString(dataDir.resolve("admin-token")).strip();
    client = new KeelClient(server.url(), admin);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static MlCliTest.Result ok(String... args) {
    MlCliTest.Result r = MlCliTest.keelAt(server.url(), Map.of("KEEL_TOKEN", admin), args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  @Test
  void a_user_without_grants_is_refused_and_nothing_moves() {
    String model = MlCliTest.unique("gov");
    client.registry().createModel(model, "");
    String train = MlCliTest.table(client, "govtrain", 200, 9);
    ok(
        "ml",
        "train",
        "--table=" + train,
        "--label=label",
        "--exclude=id",
        "--model=" + model,
        "--param.num_round=3",
        "--alias=champion");
    client.identities().create(IdentitiesClient.Kind.USER, "bob", "Bob");
    String bob = client.identities().createToken("bob", OptionalLong.of(3600), "test").value();

    MlCliTest.Result promote =
        MlCliTest.keelAt(
            server.url(),
            Map.of("KEEL_TOKEN", bob),
            "ml",
            "promote",
            "--model=" + model,
            "--version=1",
            "--alias=prod");
    assertThat(promote.exit()).isEqualTo(1);
    assertThat(promote.err()).contains("PERMISSION_DENIED");
    MlCliTest.Result trainAsBob =
        MlCliTest.keelAt(
            server.url(),
            Map.of("KEEL_TOKEN", bob),
            "ml",
            "train",
            "--table=" + train,
            "--label=label",
            "--model=" + model);
    assertThat(trainAsBob.exit()).isEqualTo(1);
    assertThat(trainAsBob.err()).contains("PERMISSION_DENIED");
    assertThat(client.registry().streamVersions(model).count()).isEqualTo(1);
    assertThat(client.registry().getVersion(model, 1).aliases()).containsExactly("champion");
  }

  @Test
  void inside_a_job_results_are_set_as_task_values_of_the_task_run() throws Exception {
    String model = MlCliTest.unique("tv");
    client.registry().createModel(model, "");
    String train = MlCliTest.table(client, "tvtrain", 200, 5);
    ok(
        "ml",
        "train",
        "--table=" + train,
        "--label=label",
        "--exclude=id",
        "--model=" + model,
        "--param.num_round=3");
    List<String> taskValues = new CopyOnWriteArrayList<>();
    HttpServer proxy = taskValuesProxy(taskValues);
    try {
      String url = "http://127.0.0.1:" + proxy.getAddress().getPort();
      MlCliTest.Result r =
          MlCliTest.keelAt(
              url,
              Map.of("KEEL_TASK_RUN_ID", "9001", "KEEL_TOKEN", admin),
              "ml",
              "promote",
              "--model=" + model,
              "--version=1",
              "--alias=champion");
      assertThat(r.exit()).as(r.err()).isZero();
    } finally {
      proxy.stop(0);
    }
    assertThat(client.registry().getAlias(model, "champion").version()).isEqualTo(1);
    assertThat(taskValues).hasSize(3);
    Map<String, JsonNode> byKey = new LinkedHashMap<>();
    for (String body : taskValues) {
      JsonNode n = JSON.readTree(body);
      assertThat(n.get("run_id").asLong()).isEqualTo(9001);
      byKey.put(n.get("key").asText(), n.get("value"));
    }
    assertThat(byKey.get("promoted").asBoolean()).isTrue();
    assertThat(byKey.get("alias").asText()).isEqualTo("champion");
    assertThat(byKey.get("model_version").asLong()).isEqualTo(1);
  }

  @Test
  void bad_parameters_are_refused_naming_the_field_and_change_nothing() {
    String train = MlCliTest.table(client, "bad", 50, 6);
    String model = MlCliTest.unique("bad");
    client.registry().createModel(model, "");
    String[][] cases = {
      {"ml", "train", "--table=" + train, "--label=nope", "--model=" + model},
      {
        "ml",
        "train",
        "--table=" + train,
        "--label=label",
        "--model=" + model,
        "--param.num_round=0"
      },
      {
        "ml",
        "train",
        "--table=" + train,
        "--label=label",
        "--model=" + model,
        "--trainer=tribuo-logistic",
        "--param.depth=3"
      },
      {"ml", "train", "--table=" + train, "--label=label", "--model=" + model, "--trainer=svm"},
      {"ml", "train", "--table=" + train, "--label=label", "--model=" + model, "--bogus=1"},
      {
        "ml",
        "evaluate",
        "--model=" + model,
        "--table=" + train,
        "--label=label",
        "--metric=logloss"
      },
      {"ml", "promote", "--model=" + model, "--version=1", "--if=maybe"},
      {"ml", "promote", "--model=" + model, "--version=1", "--from-alias=x"},
      {
        "ml",
        "batch-score",
        "--model-uri=models:/" + model + "/1",
        "--table=" + train,
        "--output-table=" + MlCliTest.unique("o"),
        "--mode=upsert"
      },
    };
    String[] fields = {
      "label:",
      "param.num_round:",
      "param.depth:",
      "trainer:",
      "--bogus=1",
      "metric:",
      "if:",
      "version, from_alias:",
      "mode:"
    };
    for (int i = 0; i < cases.length; i++) {
      MlCliTest.Result r = MlCliTest.keelAt(server.url(), Map.of("KEEL_TOKEN", admin), cases[i]);
      assertThat(r.exit()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).contains(fields[i]);
    }
    assertThat(client.registry().streamVersions(model).count()).isZero();
    assertThat(client.tracking().getExperimentByName("keel-ml/" + model)).isEmpty();
  }

  /**
   * A proxy to the test server that answers {@code POST /api/2.0/keel/jobs/task-values} itself,
   * recording each body (the jobs module serves that route; this branch does not have it).
   */
  static HttpServer taskValuesProxy(List<String> taskValues) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext(
        "/",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          if (ex.getRequestURI().getPath().equals("/api/2.0/keel/jobs/task-values")) {
            taskValues.add(new String(body, StandardCharsets.UTF_8));
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
            return;
          }
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create(server.url() + ex.getRequestURI()))
                  .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
          for (String h : List.of("Content-Type", "Authorization")) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
              b.header(h, v);
            }
          }
          try {
            HttpResponse<byte[]> resp =
                http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            ex.sendResponseHeaders(
                resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
            ex.getResponseBody().write(resp.body());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
          }
          ex.close();
        });
    proxy.start();
    return proxy;
  }
}
