package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizationGuardTest {
  @TempDir Path dir;

  @Test
  void a_route_that_names_no_securable_is_refused_to_a_non_administrator_and_open_to_admins() {
    try (TestServer server =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer.Response anonymous = server.get("/api/2.1/unity-catalog/catalogs");
      assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(401);

      // rebuilds from what a run recorded: a route that names no securable
      TestServer.Response stranger =
          server
              .as(TestPrincipals.bearer("alice"))
              .post(
                  "/api/2.0/feature-store/training-sets/rebuild",
                  "{\"run_id\":\"r\",\"output_table\":\"main.default.x\"}");
      assertThat(stranger.status()).as(stranger.body()).isEqualTo(403);
      assertThat(stranger.body()).contains("PERMISSION_DENIED");

      TestServer.Response admin =
          server.as(TestPrincipals.bearer("root", "admins")).get("/api/2.1/unity-catalog/catalogs");
      assertThat(admin.status()).as(admin.body()).isEqualTo(200);

      assertThat(server.get("/health").status()).isEqualTo(200);
    }
  }
}
