package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.jobs.spi.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelTaskTypeTest {
  @TempDir Path dir;
  TestTaskContext ctx;
  ProcessTaskConfig config;

  @BeforeEach
  void setUp() {
    ctx = new TestTaskContext(dir);
    config = SparkPythonTaskTypeTest.config(dir, Optional.empty());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("model", "models:/main.ml.churn@challenger");
    params.put("input_table", "main.ml.customers");
    ctx.payload.put("name", "batch_score");
    ctx.payload.put("parameters", params);
  }

  @Test
  void runs_keels_cli_ml_command_in_a_child_jvm_on_the_servers_class_path() {
    ProcessTaskType.Launch launch = new KeelTaskType(config).launch(ctx);

    assertThat(launch.command())
        .containsExactly(
            ProcessTaskConfig.currentJava().toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.keel.cli.Main",
            "ml",
            "batch-score",
            "--model=models:/main.ml.churn@challenger",
            "--input_table=main.ml.customers");
  }

  @Test
  void the_child_jvm_gets_the_server_url_and_token() throws Exception {
    ctx.token = Optional.of("tok-9");
    ctx.host = "http://127.0.0.1:8181";

    TaskResult result = new KeelTaskType(config, EchoMain.class.getName()).run(ctx);

    assertThat(result.succeeded()).isTrue();
    assertThat(Files.readString(ctx.logFile))
        .isEqualTo(
            "args ml batch-score --model=models:/main.ml.churn@challenger"
                + " --input_table=main.ml.customers\n"
                + "KEEL_URL http://127.0.0.1:8181\n"
                + "KEEL_HOST http://127.0.0.1:8181\n"
                + "KEEL_TOKEN tok-9\n"
                + "KEEL_TASK_KEY train\n");
  }

  @Test
  void a_failing_command_fails_the_attempt_with_its_output() throws Exception {
    ctx.payload.put("name", "promote");
    ctx.payload.put("parameters", Map.of("fail", "yes"));

    TaskResult result = new KeelTaskType(config, EchoMain.class.getName()).run(ctx);

    assertThat(result.error()).isEqualTo("keel ml exited with status 5");
    assertThat(result.errorTrace())
        .startsWith("args ml promote --fail=yes")
        .endsWith("failing as asked");
  }

  @Test
  void bad_payloads_are_refused_naming_the_field() {
    KeelTaskType type = new KeelTaskType(config);
    String p = "tasks[1].keel_task";
    assertThatThrownBy(() -> type.validate(Map.of(), p)).hasMessage(p + ".name: is required");
    assertThatThrownBy(() -> type.validate(Map.of("name", "batch-score"), p))
        .hasMessage(
            p
                + ".name: must be one of [train, evaluate, promote, batch_score,"
                + " publish_features], got 'batch-score'");
    assertThatThrownBy(
            () -> type.validate(Map.of("name", "train", "parameters", Map.of("max_depth", 6)), p))
        .hasMessage(p + ".parameters.max_depth: must be a string");
    assertThatThrownBy(
            () -> type.validate(Map.of("name", "train", "parameters", Map.of("-x", "1")), p))
        .hasMessageStartingWith(p + ".parameters.-x: a parameter name starts with a letter");
    assertThatThrownBy(() -> type.validate(Map.of("name", "train", "parameters", List.of("a")), p))
        .hasMessage(p + ".parameters: must be an object of string values");
    for (String name : KeelTaskType.NAMES) {
      type.validate(
          Map.of("name", name, "parameters", Map.of("param.max_depth", "6", "run-name", "r")), p);
    }
  }
}
