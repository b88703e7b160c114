package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelConfigTest {
  @TempDir Path dir;

  @Test
  void defaults_bind_loopback_port_8080_and_embedded_store() {
    KeelConfig c = KeelConfig.resolve(Map.of("data-dir", dir.toString()), Map.of());
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
    KeelConfig fromEnv = KeelConfig.resolve(Map.of(), env);
    assertThat(fromEnv.port()).isEqualTo(7100);
    assertThat(fromEnv.host()).isEqualTo("0.0.0.0");
    assertThat(fromEnv.databaseUrl()).contains("jdbc:sqlite:/tmp/x.db");
    KeelConfig fromFlag = KeelConfig.resolve(Map.of("port", "7200"), env);
    assertThat(fromFlag.port()).isEqualTo(7200);
  }

  @Test
  void keel_json_in_the_data_dir_is_read_without_a_flag() throws Exception {
    Files.writeString(dir.resolve("keel.json"), "{\"port\": 9100}");
    assertThat(KeelConfig.resolve(Map.of("data-dir", dir.toString()), Map.of()).port())
        .isEqualTo(9100);
  }

  @Test
  void bad_values_name_the_setting() {
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("port", "eighty"), Map.of()))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("port", "70000"), Map.of()))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> KeelConfig.resolve(Map.of("db-url", "postgres://x"), Map.of()))
        .hasMessageContaining("db-url");
    assertThatThrownBy(
            () ->
                KeelConfig.resolve(Map.of("config", dir.resolve("nope.json").toString()), Map.of()))
        .hasMessageContaining("nope.json");
  }
}
