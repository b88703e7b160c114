package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.EndpointQueryResult;
import dev.keel.client.ModelVersion;
import dev.keel.client.ServingEndpointInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel endpoints ...} and {@link dev.keel.client.EndpointsClient} against a real server. */
class EndpointsCliTest extends CliFixture {
  static final String ROW =
      "{\"dataframe_records\":[{\"f0\":0.0342,\"f1\":1.3597,\"f2\":1.2247,\"f3\":-0.5103}]}";
  static final double XGB = 0.31175675988197327;

  @TempDir static Path work;
  static long version;

  @BeforeAll
  static void registerModel() throws Exception {
    version = registerXgboost(work, "main.default.cli_ep");
  }

  /**
   * Registers the XGBoost fixture (inputs f0..f3, one output) as a new model {@code name} and
   * points its alias {@code champion} at it; returns the version.
   */
  static long registerXgboost(Path work, String name) throws Exception {
    Path pkg = Files.createDirectory(work.resolve("xgb-" + name));
    for (String f : ServeCommandTest.PACKAGE_FILES) {
      try (InputStream in =
          EndpointsCliTest.class.getResourceAsStream("/fixtures/xgboost-model/" + f)) {
        Files.copy(in, pkg.resolve(f));
      }
    }
    client.registry().createModel(name, "");
    ModelVersion v = client.registry().registerModel(name, pkg, "");
    client.registry().setAlias(name, "champion", v.version());
    return v.version();
  }

  @Test
  void create_get_list_query_update_delete_from_the_command_line() throws Exception {
    Result c =
        keel(
            "endpoints",
            "create",
            "cli-ep",
            "--entity",
            "champ=main.default.cli_ep:@champion",
            "--wait");
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(c.out()).contains("READY").contains("NOT_UPDATING");
    Result g = keel("endpoints", "get", "cli-ep", "-o", "json");
    assertThat(g.exit()).as(g.err()).isZero();
    assertThat(JSON.readTree(g.out()).at("/config/served_entities/0/entity_version").asText())
        .isEqualTo("@champion");
    Result l = keel("endpoints", "list");
    assertThat(l.out()).contains("cli-ep").contains("champ=100");
    Result q = keel("endpoints", "query", "cli-ep", "--data", ROW, "-o", "json");
    assertThat(q.exit()).as(q.err()).isZero();
    assertThat(JSON.readTree(q.out()).at("/predictions/0").asDouble()).isCloseTo(XGB, within(1e-6));
    Result csv =
        keel(
            "endpoints",
            "query",
            "cli-ep",
            "--content-type",
            "text/csv",
            "--data",
            "f0,f1,f2,f3\n0.0342,1.3597,1.2247,-0.5103\n",
            "-o",
            "json");
    assertThat(csv.exit()).as(csv.err()).isZero();
    Result bad =
        keel("endpoints", "query", "cli-ep", "--data", "{\"dataframe_records\":[{\"f0\":1}]}");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(bad.err()).contains("f1");
    Result u =
        keel(
            "endpoints",
            "update",
            "cli-ep",
            "--entity",
            "a=main.default.cli_ep:" + version,
            "--entity",
            "b=main.default.cli_ep:@champion",
            "--traffic",
            "a=90",
            "--traffic",
            "b=10",
            "--wait");
    assertThat(u.exit()).as(u.err()).isZero();
    ServingEndpointInfo e = client.endpoints().get("cli-ep");
    assertThat(e.traffic()).containsEntry("a", 90).containsEntry("b", 10);
    assertThat(e.configVersion()).isEqualTo(2);
    Result d = keel("endpoints", "delete", "cli-ep");
    assertThat(d.exit()).as(d.err()).isZero();
    assertThat(keel("endpoints", "get", "cli-ep").exit()).isEqualTo(Main.EXIT_FAILURE);
  }

  @Test
  void the_java_client_creates_waits_and_queries() throws Exception {
    client
        .endpoints()
        .create(
            "java-ep",
            List.of(
                dev.keel.client.ServedEntitySpec.of("main.default.cli_ep", Long.toString(version))),
            Map.of());
    ServingEndpointInfo e = client.endpoints().awaitNotUpdating("java-ep", Duration.ofMinutes(1));
    assertThat(e.ready()).isEqualTo("READY");
    assertThat(e.servedEntities().get(0).name()).isEqualTo("cli_ep-" + version);
    JsonNode body = JSON.readTree(ROW);
    EndpointQueryResult r = client.endpoints().query("java-ep", body);
    assertThat(r.servedEntity()).isEqualTo("cli_ep-" + version);
    assertThat(r.response().at("/predictions/0").asDouble()).isCloseTo(XGB, within(1e-6));
    assertThat(client.endpoints().list()).extracting(ServingEndpointInfo::name).contains("java-ep");
    client.endpoints().delete("java-ep");
  }

  @Test
  void the_inference_table_is_set_on_create_and_switched_on_an_existing_endpoint() {
    Result c =
        keel(
            "endpoints",
            "create",
            "cli-log",
            "--entity",
            "main.default.cli_ep:" + version,
            "--inference-table",
            "main.default.cli_log");
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(client.endpoints().get("cli-log").inferenceTable()).hasValue("main.default.cli_log");
    Result off = keel("endpoints", "ai-gateway", "cli-log", "--no-inference-table");
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(off.out()).contains("does not log");
    assertThat(client.endpoints().get("cli-log").inferenceTable()).isEmpty();
    Result on =
        keel("endpoints", "ai-gateway", "cli-log", "--inference-table", "main.default.cli_log2");
    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(on.out()).contains("main.default.cli_log2_payload");
    assertThat(client.endpoints().get("cli-log").inferenceTable())
        .hasValue("main.default.cli_log2");
    Result both =
        keel(
            "endpoints",
            "ai-gateway",
            "cli-log",
            "--inference-table",
            "main.default.x",
            "--no-inference-table");
    assertThat(both.exit()).isNotZero();
    Result get = keel("endpoints", "get", "cli-log");
    assertThat(get.out()).contains("main.default.cli_log2_payload");
    client.endpoints().delete("cli-log");
  }
}
