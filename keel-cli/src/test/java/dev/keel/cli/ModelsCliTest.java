package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.KeelClient;
import dev.keel.client.ModelVersionStatus;
import dev.keel.client.Run;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code keel models ...} in-process against a real server. */
class ModelsCliTest {
  static final List<String> ONNX_FILES =
      List.of("MLmodel", "model.onnx", "input_example.json", "serving_input_example.json");

  @TempDir static Path dataDir;
  @TempDir Path work;

  static KeelServer server;
  static KeelClient client;
  static final ObjectMapper JSON = new ObjectMapper();

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

  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = all.toArray(String[]::new);
    CommandLine cmd = Main.commandLine(Map.of(), argv);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(argv);
    return new Result(exit, out.toString(), err.toString());
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  Path onnxModel() throws IOException {
    Path dir = Files.createTempDirectory(work, "onnx");
    for (String f : ONNX_FILES) {
      try (InputStream in = ModelsCliTest.class.getResourceAsStream("/fixtures/onnx-model/" + f)) {
        assertThat(in).as(f).isNotNull();
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }

  String newModel() {
    String full = "main.default." + unique("cli");
    Result r = keel("models", "create", full, "-c", "from the CLI");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Created model '" + full + "'");
    return full;
  }

  // ------------------------------------------------------------------ models

  @Test
  void create_get_update_delete() {
    String full = newModel();
    Result get = keel("models", "get", full);
    assertThat(get.exit()).isZero();
    assertThat(get.out()).contains("Name:").contains(full).contains("from the CLI");

    Result json = keel("models", "get", full, "-o", "json");
    assertThat(json.json().path("full_name").asText()).isEqualTo(full);
    assertThat(json.json().path("storage_location").asText())
        .isEqualTo("mlflow-artifacts:/models/" + full.replace('.', '/'));

    String renamed = full.substring("main.default.".length()) + "_r";
    Result upd =
        keel("models", "update", full, "--new-name", renamed, "-c", "changed", "-o", "json");
    assertThat(upd.exit()).as(upd.err()).isZero();
    assertThat(upd.json().path("full_name").asText()).isEqualTo("main.default." + renamed);
    assertThat(upd.json().path("comment").asText()).isEqualTo("changed");

    assertThat(keel("models", "update", "main.default." + renamed).exit())
        .isEqualTo(Main.EXIT_USAGE);

    Result del = keel("models", "delete", "main.default." + renamed);
    assertThat(del.exit()).isZero();
    assertThat(del.out()).contains("Deleted model");
    Result gone = keel("models", "get", "main.default." + renamed);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).startsWith("error: NOT_FOUND: ");
  }

  @Test
  void unknown_model_is_not_found() {
    Result r =
        keel("models", "get", "main.default.nope_" + UUID.randomUUID().toString().substring(0, 6));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: NOT_FOUND: ");
    Result v = keel("models", "versions", "list", "main.default.nope");
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err()).startsWith("error: NOT_FOUND: ");
  }

  @Test
  void list_pages_and_filters_by_schema() {
    String schema = unique("clipage");
    client.catalogs().createSchema("main", schema);
    for (int i = 0; i < 3; i++) {
      assertThat(keel("models", "create", "main." + schema + ".m" + i).exit()).isZero();
    }
    Result all = keel("models", "list", "main." + schema);
    assertThat(all.exit()).isZero();
    assertThat(all.out().lines().toList()).hasSize(4);
    assertThat(all.out()).startsWith("NAME").contains("main." + schema + ".m2");

    Result page = keel("models", "list", "main." + schema, "--max-results", "2", "-o", "json");
    assertThat(page.exit()).isZero();
    assertThat(page.json().findValuesAsText("full_name"))
        .containsExactly("main." + schema + ".m0", "main." + schema + ".m1");
    assertThat(page.err()).contains("--page-token ");
    String token = page.err().substring(page.err().indexOf("--page-token ") + 13).trim();
    Result rest =
        keel(
            "models",
            "ls",
            "main." + schema,
            "--max-results",
            "2",
            "--page-token",
            token,
            "-o",
            "json");
    assertThat(rest.json().findValuesAsText("full_name")).containsExactly("main." + schema + ".m2");
    assertThat(rest.err()).isEmpty();

    Result empty = keel("models", "list", "main." + unique("none"));
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err()).startsWith("error: NOT_FOUND: ");
  }

  // ------------------------------------------------------------------ register and versions

  @Test
  void register_makes_a_ready_version() throws IOException {
    String full = newModel();
    Run run = client.tracking().createRun(client.tracking().createExperiment(unique("cli")));
    Result r = keel("models", "register", full, onnxModel().toString(), "--run-id", run.runId());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Status:").contains("READY").contains("models:/" + full + "/1");
    assertThat(r.out()).contains(run.runId());

    Result j = keel("models", "register", full, onnxModel().toString(), "-o", "json");
    assertThat(j.exit()).isZero();
    assertThat(j.json().path("status").asText()).isEqualTo("READY");
    assertThat(j.json().path("version").asLong()).isEqualTo(2);
    assertThat(j.json().path("storage_location").asText())
        .isEqualTo("mlflow-artifacts:/models/" + full.replace('.', '/') + "/2");

    Result list = keel("models", "versions", "list", full);
    assertThat(list.out()).startsWith("VERSION").contains("READY");
    assertThat(list.out().lines().toList()).hasSize(3);
    Result get = keel("models", "version", "get", full, "1", "-o", "json");
    assertThat(get.json().path("run_id").asText()).isEqualTo(run.runId());
  }

  @Test
  void corrupt_model_fails_registration_and_exits_1() throws IOException {
    String full = newModel();
    Path dir = onnxModel();
    Files.writeString(dir.resolve("model.onnx"), "garbage, not protobuf");
    Result r = keel("models", "register", full, dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED_REGISTRATION");
    assertThat(r.err()).startsWith("error: FAILED_REGISTRATION: ").containsIgnoringCase("onnx");
    assertThat(client.registry().getVersion(full, 1).status())
        .isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);

    Result j = keel("models", "register", full, dir.toString(), "-o", "json");
    assertThat(j.exit()).isEqualTo(1);
    assertThat(j.json().path("status").asText()).isEqualTo("FAILED_REGISTRATION");
    assertThat(j.json().path("status_message").asText()).isNotBlank();

    Result missing = keel("models", "register", full, work.resolve("absent").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).startsWith("error: IO_ERROR: ");
  }

  @Test
  void versions_create_finalize_delete() throws IOException {
    String full = newModel();
    Result c =
        keel("models", "versions", "create", full, "mlflow-artifacts:/nothing/here", "-o", "json");
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(c.json().path("status").asText()).isEqualTo("PENDING_REGISTRATION");
    Result f = keel("models", "versions", "finalize", full, "1");
    assertThat(f.exit()).isEqualTo(1);
    assertThat(f.err()).startsWith("error: FAILED_REGISTRATION: ").contains("MLmodel");

    Result c2 = keel("models", "versions", "create", full, "mlflow-artifacts:/x");
    assertThat(c2.out()).contains("Created version 2").contains("PENDING_REGISTRATION");
    client.registry().uploadModelDirectory(client.registry().getVersion(full, 2), onnxModel());
    Result f2 = keel("models", "versions", "finalize", full, "2", "-o", "json");
    assertThat(f2.exit()).isZero();
    assertThat(f2.json().path("status").asText()).isEqualTo("READY");

    assertThat(keel("models", "versions", "delete", full, "1").exit()).isZero();
    assertThat(keel("models", "versions", "get", full, "1").err()).startsWith("error: NOT_FOUND: ");

    Result bad = keel("models", "versions", "create", full, "file:///etc/passwd");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).startsWith("error: INVALID_ARGUMENT: ");

    Result forced = keel("models", "delete", full);
    assertThat(forced.exit()).isEqualTo(1);
    assertThat(keel("models", "delete", full, "--force").exit()).isZero();
  }

  // ------------------------------------------------------------------ aliases and resolve

  @Test
  void alias_set_move_history_and_resolve() throws IOException {
    String full = newModel();
    assertThat(keel("models", "register", full, onnxModel().toString()).exit()).isZero();
    assertThat(keel("models", "register", full, onnxModel().toString()).exit()).isZero();

    Result set = keel("models", "alias", "set", full, "champion", "1");
    assertThat(set.exit()).as(set.err()).isZero();
    assertThat(set.out()).contains("now points at version 1");
    Result move = keel("models", "alias", "set", full, "champion", "2", "-o", "json");
    assertThat(move.json().path("version").asLong()).isEqualTo(2);
    assertThat(keel("models", "alias", "set", full, "challenger", "1").exit()).isZero();

    Result get = keel("models", "alias", "get", full, "champion");
    assertThat(get.out()).contains("Version:").contains("2").contains("champion");
    Result model = keel("models", "get", full, "-o", "json");
    assertThat(model.json().path("aliases").findValuesAsText("alias_name"))
        .containsExactlyInAnyOrder("champion", "challenger");
    assertThat(keel("models", "list", "main.default").out()).contains("challenger=1, champion=2");

    Result byAlias = keel("models", "resolve", "models:/" + full + "@champion", "-o", "json");
    assertThat(byAlias.exit()).isZero();
    assertThat(byAlias.json().path("version").asLong()).isEqualTo(2);
    Result byVersion = keel("models", "resolve", "models:/" + full + "/1");
    assertThat(byVersion.exit()).isZero();
    assertThat(byVersion.out()).contains("models:/" + full + "/1").contains("challenger");

    assertThat(keel("models", "alias", "delete", full, "champion").exit()).isZero();
    Result gone = keel("models", "resolve", "models:/" + full + "@champion");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).startsWith("error: NOT_FOUND: ");

    Result h = keel("models", "alias", "history", full, "champion");
    assertThat(h.exit()).isZero();
    List<String> lines = h.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).contains("WHEN").contains("FROM").contains("TO");
    Result hj = keel("models", "alias", "history", full, "champion", "-o", "json");
    assertThat(hj.json()).hasSize(3);
    assertThat(hj.json().get(0).has("from_version_num")).isFalse();
    assertThat(hj.json().get(0).path("to_version_num").asLong()).isEqualTo(1);
    assertThat(hj.json().get(1).path("from_version_num").asLong()).isEqualTo(1);
    assertThat(hj.json().get(1).path("to_version_num").asLong()).isEqualTo(2);
    assertThat(hj.json().get(2).path("from_version_num").asLong()).isEqualTo(2);
    assertThat(hj.json().get(2).has("to_version_num")).isFalse();
  }

  @Test
  void reserved_alias_is_refused() {
    String full = newModel();
    client.registry().createVersion(full, "mlflow-artifacts:/x", "");
    for (String a : List.of("latest", "v1")) {
      Result r = keel("models", "alias", "set", full, a, "1");
      assertThat(r.exit()).as(a).isEqualTo(1);
      assertThat(r.err()).as(a).startsWith("error: INVALID_ARGUMENT: ");
    }
  }

  @Test
  void malformed_uri_is_a_usage_error() {
    for (String bad : List.of("main.default.m/1", "models:/main.default.m", "models:/m@x")) {
      Result r = keel("models", "resolve", bad);
      assertThat(r.exit()).as(bad).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).as(bad).startsWith("error: INVALID_PARAMETER_VALUE: invalid model URI");
    }
  }

  @Test
  void help_lists_the_subcommands() {
    Result r = keel("models", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("create", "list", "register", "resolve", "versions", "alias");
    Result a = keel("models", "alias", "--help");
    assertThat(a.out()).contains("set", "get", "delete", "history");
  }
}
