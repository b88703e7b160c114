package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a client finds its URL and token: explicit, then environment, then profile. */
class ClientConfigTest {
  @TempDir Path dir;

  Path config(String text) throws Exception {
    Path f = dir.resolve("config");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void without_anything_the_default_url_and_no_token_are_used() {
    ClientConfig c =
        ClientConfig.resolve(
            Optional.empty(), Optional.empty(), Optional.empty(), Map.of("HOME", dir.toString()));
    assertThat(c).isEqualTo(new ClientConfig(KeelClient.DEFAULT_URL, ""));
  }

  @Test
  void explicit_values_beat_the_environment_which_beats_the_profile() throws Exception {
    Path f = config("[DEFAULT]\nhost = http://a:1\ntoken = p\n[prod]\nhost = http://b:2\n");
    Map<String, String> env = Map.of("KEEL_CONFIG_FILE", f.toString());
    assertThat(ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), env))
        .isEqualTo(new ClientConfig("http://a:1", "p"));
    assertThat(ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.of("prod"), env))
        .as("a named profile, DEFAULT filling its gaps")
        .isEqualTo(new ClientConfig("http://b:2", "p"));
    Map<String, String> withVars =
        Map.of(
            "KEEL_CONFIG_FILE", f.toString(),
            "KEEL_URL", "http://env:3",
            "KEEL_TOKEN", "e",
            "KEEL_PROFILE", "prod");
    assertThat(ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), withVars))
        .isEqualTo(new ClientConfig("http://env:3", "e"));
    assertThat(
            ClientConfig.resolve(
                Optional.of("http://flag:4"), Optional.of("f"), Optional.empty(), withVars))
        .isEqualTo(new ClientConfig("http://flag:4", "f"));
  }

  @Test
  void a_job_tasks_keel_host_is_used_when_keel_url_is_not_set() throws Exception {
    Path f = config("[DEFAULT]\nhost = http://profile:1\n");
    Map<String, String> task =
        Map.of("KEEL_CONFIG_FILE", f.toString(), "KEEL_HOST", "http://job:2", "KEEL_TOKEN", "t");
    assertThat(ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), task))
        .isEqualTo(new ClientConfig("http://job:2", "t"));
    Map<String, String> both =
        Map.of("KEEL_HOST", "http://job:2", "KEEL_URL", "http://url:3", "HOME", dir.toString());
    assertThat(
            ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), both).url())
        .isEqualTo("http://url:3");
  }

  @Test
  void the_file_is_found_under_home_and_a_missing_named_profile_is_an_error() throws Exception {
    Files.createDirectories(dir.resolve(".keel"));
    Files.writeString(dir.resolve(".keel/config"), "; comment\n[DEFAULT]\nHOST=http://h:5\n");
    Map<String, String> env = Map.of("HOME", dir.toString());
    assertThat(
            ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), env).url())
        .isEqualTo("http://h:5");
    assertThatThrownBy(
            () -> ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.of("x"), env))
        .hasMessageContaining("profile 'x' not found");
    Files.writeString(dir.resolve(".keel/config"), "host = x\n");
    assertThatThrownBy(
            () -> ClientConfig.resolve(Optional.empty(), Optional.empty(), Optional.empty(), env))
        .hasMessageContaining("line 1");
    assertThat(new ClientConfig("http://a", "secret").toString()).doesNotContain("secret");
  }
}
