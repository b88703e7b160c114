package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.identity.AuthSettings;
import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import dev.keel.core.Privilege;
import dev.keel.http.HttpServer;
import dev.keel.server.KeelServer;
import dev.keel.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication on a real server: 401s, the admin token file, 429s, the auth setting. */
class AuthenticationTest {
  @TempDir Path dir;

  private static final Set<String> OPEN =
      Set.of("/health", "/ready", "/version", "/metrics", "/api/openapi.json", "/api/docs");

  @Test
  void without_a_token_every_api_route_answers_401_with_www_authenticate_except_open_ones() {
    try (TestServer server = TestServer.startWithAuth(dir)) {
      List<String> notRefused = new ArrayList<>();
      List<String> noChallenge = new ArrayList<>();
      for (HttpServer.Route r : server.server().routes()) {
        String path = r.path().replaceAll("\\{[^}]*}", "x").replaceAll("<[^>]*>", "x");
        TestServer.Response resp =
            server.send(r.method(), path, r.method().equals("GET") ? null : "{}");
        if (r.access().privilege() == Privilege.NONE) {
          assertThat(resp.status()).as(r.method() + " " + r.path()).isNotEqualTo(401);
          continue;
        }
        if (resp.status() != 401) {
          notRefused.add(r.method() + " " + r.path() + " -> " + resp.status());
        } else if (resp.raw().headers().firstValue("WWW-Authenticate").isEmpty()) {
          noChallenge.add(r.method() + " " + r.path());
        }
      }
      assertThat(notRefused).as("routes answering without a token").isEmpty();
      assertThat(noChallenge).as("401s without WWW-Authenticate").isEmpty();
      for (String open : OPEN) {
        assertThat(server.get(open).status()).as(open).isEqualTo(200);
      }
      TestServer.Response r = server.get("/api/2.1/unity-catalog/catalogs");
      assertThat(r.errorCode()).isEqualTo("UNAUTHENTICATED");
      assertThat(r.raw().headers().firstValue("WWW-Authenticate"))
          .contains("Bearer realm=\"keel\"");
    }
  }

  @Test
  void the_first_start_writes_a_working_admin_token_readable_by_the_owner_only_and_never_again()
      throws Exception {
    String token;
    try (TestServer server = TestServer.startWithAuth(dir)) {
      Path file = dir.resolve("admin-token");
      assertThat(server.server().adminTokenFile()).contains(file.toAbsolutePath());
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      token = server.adminToken();
      assertThat(token).startsWith("keel_").hasSize(101);
      TestServer.Response me = server.as("Bearer " + token).get("/api/2.0/preview/scim/v2/Me");
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().path("userName").asText()).isEqualTo("keel");
      assertThat(me.json().path("groups").get(0).path("display").asText()).isEqualTo("admins");
      assertThat(server.as("Bearer " + token).get("/api/2.1/unity-catalog/catalogs/main").status())
          .as("objects created before (owner keel) work for the administrator")
          .isEqualTo(200);
    }
    try (TestServer again = TestServer.startWithAuth(dir)) {
      assertThat(again.server().adminTokenFile()).isEmpty();
      assertThat(again.adminToken()).isEqualTo(token);
      assertThat(again.as("Bearer " + token).get("/api/2.0/token/list").status()).isEqualTo(200);
    }
  }

  @Test
  void bad_tokens_are_refused_with_401_and_a_flood_of_them_with_429_while_good_ones_pass() {
    KeelConfig config =
        new KeelConfig("127.0.0.1", 0, dir, "")
            .with(AuthSettings.FAILED_BURST, "3")
            .with(AuthSettings.FAILED_PER_SECOND, "1");
    try (TestServer server = TestServer.startWithAuth(config)) {
      TestServer bad = server.as("Bearer keel_" + "0".repeat(96));
      for (int i = 0; i < 3; i++) {
        TestServer.Response r = bad.get("/api/2.1/unity-catalog/catalogs");
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.raw().headers().firstValue("WWW-Authenticate").orElse(""))
            .contains("invalid_token");
      }
      TestServer.Response limited = bad.get("/api/2.1/unity-catalog/catalogs");
      assertThat(limited.status()).as(limited.body()).isEqualTo(429);
      assertThat(limited.errorCode()).isEqualTo("RESOURCE_EXHAUSTED");
      assertThat(limited.json().path("message").asText())
          .contains("Too many failed authentications");
      assertThat(limited.raw().headers().firstValue("Retry-After")).contains("1");
      TestServer.Response limitedDbx = bad.get("/api/2.0/token/list");
      assertThat(limitedDbx.status()).isEqualTo(429);

      TestServer good = server.as("Bearer " + server.adminToken());
      for (int i = 0; i < 20; i++) {
        assertThat(good.get("/api/2.1/unity-catalog/catalogs").status()).isEqualTo(200);
      }
      assertThat(bad.get("/health").status()).as("open routes ignore credentials").isEqualTo(200);
      assertThat(server.as("Basic YTpi").get("/api/2.0/token/list").status()).isEqualTo(429);
    }
  }

  @Test
  void auth_false_on_a_non_loopback_address_fails_the_start_with_a_clear_message() {
    KeelConfig config = new KeelConfig("0.0.0.0", 0, dir, "").with(AuthSettings.AUTH, "false");
    assertThatThrownBy(() -> KeelServer.start(config))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("auth=false is refused on 0.0.0.0");
    assertThat(dir.resolve("keel.db")).doesNotExist();
  }

  @Test
  void a_non_loopback_server_authenticates_by_default_and_a_loopback_one_does_not() {
    try (KeelServer exposed = KeelServer.start(new KeelConfig("0.0.0.0", 0, dir, ""))) {
      assertThat(exposed.authenticated()).isTrue();
      assertThat(exposed.adminTokenFile()).isPresent();
    }
    try (TestServer local = TestServer.start(dir.resolve("local"))) {
      assertThat(local.server().authenticated()).isFalse();
      TestServer.Response me = local.as("Bearer keel_whatever").get("/api/2.0/preview/scim/v2/Me");
      assertThat(me.status()).as("without auth, tokens are not read").isEqualTo(200);
      assertThat(me.json().path("userName").asText()).isEqualTo("keel");
      assertThat(local.server().adminTokenFile()).isEmpty();
      TestServer.Response create = local.post("/api/2.0/token/create", "{\"comment\":\"x\"}");
      assertThat(create.status()).as(create.body()).isEqualTo(400);
      assertThat(create.json().path("message").asText()).contains("--auth");
    }
  }
}
