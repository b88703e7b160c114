package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelConfigTest {
  @TempDir Path dir;

  /** A module's setting, as a module declares one. */
  private static final Setting<Integer> QUEUE =
      Setting.integer("demo.queue-size", "A queue bound", 500, 1, 1000);

  private static final List<ConfigSection> SECTIONS =
      List.of(new ConfigSection("demo", List.of(QUEUE)));

  @Test
  void a_module_setting_has_its_default_until_a_source_sets_it() throws Exception {
    assertThat(KeelConfig.resolve(Map.of(), Map.of(), SECTIONS).get(QUEUE)).isEqualTo(500);
    Files.writeString(dir.resolve("keel.json"), "{\"demo.queue-size\": 300}");
    Map<String, String> flags = Map.of("data-dir", dir.toString());
    assertThat(KeelConfig.resolve(flags, Map.of(), SECTIONS).get(QUEUE)).isEqualTo(300);
    assertThat(QUEUE.env()).isEqualTo("KEEL_DEMO_QUEUE_SIZE");
    Map<String, String> env = Map.of("KEEL_DEMO_QUEUE_SIZE", "200");
    assertThat(KeelConfig.resolve(flags, env, SECTIONS).get(QUEUE)).isEqualTo(200);
    Map<String, String> both = Map.of("data-dir", dir.toString(), "demo.queue-size", "100");
    assertThat(KeelConfig.resolve(both, env, SECTIONS).get(QUEUE)).isEqualTo(100);
  }

  @Test
  void a_bad_module_setting_fails_naming_the_key_and_its_source() {
    assertThatThrownBy(
            () -> KeelConfig.resolve(Map.of(), Map.of("KEEL_DEMO_QUEUE_SIZE", "5000"), SECTIONS))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("demo.queue-size")
        .hasMessageContaining("KEEL_DEMO_QUEUE_SIZE")
        .hasMessageContaining("between 1 and 1000");
  }

  @Test
  void a_setting_no_module_declares_is_refused_with_the_known_ones() throws Exception {
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("demo.qeue-size", "1"), Map.of(), SECTIONS))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("unknown setting 'demo.qeue-size'")
        .hasMessageContaining("demo.queue-size");
    Files.writeString(dir.resolve("keel.json"), "{\"prot\": 1}");
    assertThatThrownBy(
            () -> KeelConfig.resolve(Map.of("data-dir", dir.toString()), Map.of(), SECTIONS))
        .hasMessageContaining("unknown setting 'prot' in the config file");
  }

  @Test
  void defaults_bind_loopback_port_8080_and_embedded_store() {
    KeelConfig c = KeelConfig.resolve(Map.of("data-dir", dir.toString()), Map.of(), SECTIONS);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath());
    assertThat(c.databaseUrl()).isEmpty();
  }

  @Test
  void flags_win_over_environment_which_wins_over_the_config_file() throws Exception {
    Path file = dir.resolve("keel.json");
    Files.writeString(
        file, "{\"port\": 7000, \"host\": \"0.0.0.0\", \"db-url\": \"jdbc:sqlite:/tmp/x.db\"}");
    Map<String, String> env = Map.of("KEEL_PORT", "7100", "KEEL_CONFIG", file.toString());
    KeelConfig fromEnv = KeelConfig.resolve(Map.of(), env, SECTIONS);
    assertThat(fromEnv.port()).isEqualTo(7100);
    assertThat(fromEnv.host()).isEqualTo("0.0.0.0");
    assertThat(fromEnv.databaseUrl()).contains("jdbc:sqlite:/tmp/x.db");
    KeelConfig fromFlag = KeelConfig.resolve(Map.of("port", "7200"), env, SECTIONS);
    assertThat(fromFlag.port()).isEqualTo(7200);
  }

  @Test
  void keel_json_in_the_data_dir_is_read_without_a_flag() throws Exception {
    Files.writeString(dir.resolve("keel.json"), "{\"port\": 9100}");
    assertThat(KeelConfig.resolve(Map.of("data-dir", dir.toString()), Map.of(), SECTIONS).port())
        .isEqualTo(9100);
  }

  @Test
  void bad_values_name_the_setting() {
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("port", "eighty"), Map.of(), SECTIONS))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("port", "70000"), Map.of(), SECTIONS))
        .hasMessageContaining("port");
    assertThatThrownBy(
            () -> KeelConfig.resolve(Map.of("db-url", "postgres://x"), Map.of(), SECTIONS))
        .hasMessageContaining("db-url");
    assertThatThrownBy(
            () ->
                KeelConfig.resolve(
                    Map.of("config", dir.resolve("nope.json").toString()), Map.of(), SECTIONS))
        .hasMessageContaining("nope.json");
  }
}
