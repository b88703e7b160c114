package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel tokens} against a server with authentication on, and where the CLI finds its URL and
 * token: flag, then variable, then a profile of the config file.
 */
@CliFixture.Authenticated
class TokensCliTest extends CliFixture {
  @TempDir static Path home;

  static String admin;

  @BeforeAll
  static void profiles() throws Exception {
    admin = Files.readString(dataDir.resolve("admin-token")).strip();
    Files.createDirectories(home.resolve(".keel"));
    Files.writeString(
        home.resolve(".keel").resolve("config"),
        "# profiles\n[DEFAULT]\nhost = "
            + server.url()
            + "\ntoken = "
            + admin
            + "\n\n[stale]\ntoken = keel_"
            + "0".repeat(96)
            + "\n");
  }

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("HOME", home.toString());
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void the_default_profile_gives_host_and_token() {
    Result r = keelWithEnv(env(), "tokens", "whoami");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("User:\\s+keel").contains("admins");
  }

  @Test
  void a_named_profile_falls_back_to_default_for_the_host_and_flag_beats_variable_beats_profile() {
    Result stale = keelWithEnv(env(), "tokens", "whoami", "--profile", "stale");
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).contains("UNAUTHENTICATED");

    Result staleEnv = keelWithEnv(env("KEEL_PROFILE", "stale"), "tokens", "whoami");
    assertThat(staleEnv.exit()).isEqualTo(1);

    Result variable =
        keelWithEnv(env("KEEL_PROFILE", "stale", "KEEL_TOKEN", admin), "tokens", "whoami");
    assertThat(variable.exit()).as("KEEL_TOKEN beats the profile").isZero();

    Result flag =
        keelWithEnv(
            env("KEEL_TOKEN", "keel_" + "1".repeat(96)), "tokens", "whoami", "--token", admin);
    assertThat(flag.exit()).as("--token beats KEEL_TOKEN").isZero();

    Result badFlag = keelWithEnv(env("KEEL_TOKEN", admin), "tokens", "whoami", "--token", "nope");
    assertThat(badFlag.exit()).as("--token beats KEEL_TOKEN").isEqualTo(1);

    Result missing = keelWithEnv(env(), "tokens", "whoami", "--profile", "prod");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("profile 'prod' not found");
  }

  @Test
  void tokens_are_created_listed_used_and_revoked() {
    Result created =
        keelWithEnv(
            env(), "tokens", "create", "--lifetime", "3600", "--comment", "cli", "-o", "json");
    assertThat(created.exit()).as(created.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode json;
    try {
      json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.out());
    } catch (java.io.IOException e) {
      throw new AssertionError(created.out(), e);
    }
    String value = json.path("token_value").asText();
    String id = json.path("token_info").path("token_id").asText();
    assertThat(value).startsWith("keel_");

    Result list = keelWithEnv(env(), "tokens", "list");
    assertThat(list.out()).contains(id).contains("cli");
    assertThat(list.out()).doesNotContain(value);

    assertThat(keelWithEnv(env("KEEL_TOKEN", value), "tokens", "whoami").exit()).isZero();
    Result deleted = keelWithEnv(env(), "tokens", "delete", id);
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(keelWithEnv(env("KEEL_TOKEN", value), "tokens", "whoami").exit()).isEqualTo(1);
  }

  @Test
  void keel_server_refuses_auth_false_on_a_non_loopback_address() {
    Result r =
        keelWithEnv(
            env(),
            "server",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--auth=false",
            "--data-dir",
            home.resolve("refused").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("auth=false is refused on 0.0.0.0");
  }

  @Test
  void an_administrator_creates_a_user_and_a_group_and_issues_the_users_first_token() {
    Result user =
        keelWithEnv(env(), "users", "create", "dana@example.com", "--display-name", "Dana");
    assertThat(user.exit()).as(user.err()).isZero();
    assertThat(keelWithEnv(env(), "groups", "create", "analysts").exit()).isZero();
    Result add = keelWithEnv(env(), "groups", "add-member", "analysts", "dana@example.com");
    assertThat(add.exit()).as(add.err()).isZero();
    Result groups = keelWithEnv(env(), "groups", "list");
    assertThat(groups.out()).contains("analysts").contains("Dana");

    Result first =
        keelWithEnv(env(), "tokens", "create", "--for", "dana@example.com", "--lifetime", "600");
    assertThat(first.exit()).as(first.err()).isZero();
    String token = first.out().strip();
    Result me = keelWithEnv(env("KEEL_TOKEN", token), "tokens", "whoami");
    assertThat(me.out()).containsPattern("User:\\s+dana@example.com").contains("analysts");
    // Any user may list identities by name; changing them is for administrators
    Result listed = keelWithEnv(env("KEEL_TOKEN", token), "users", "list");
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("dana@example.com");
    Result denied = keelWithEnv(env("KEEL_TOKEN", token), "users", "create", "mallory@example.com");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.err()).contains("PERMISSION_DENIED");

    Result sp =
        keelWithEnv(
            env(), "service-principals", "create", "nightly", "--application-id", "nightly-job");
    assertThat(sp.exit()).as(sp.err()).isZero();
    assertThat(keelWithEnv(env(), "service-principals", "list").out()).contains("nightly-job");
    assertThat(keelWithEnv(env(), "groups", "remove-member", "analysts", "dana@example.com").exit())
        .isZero();
    assertThat(keelWithEnv(env(), "users", "delete", "dana@example.com").exit()).isZero();
    assertThat(keelWithEnv(env("KEEL_TOKEN", token), "tokens", "whoami").exit())
        .as("deleting the user revoked its token")
        .isEqualTo(1);
    Result gone = keelWithEnv(env(), "users", "delete", "dana@example.com");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("No user named dana@example.com");
  }
}
