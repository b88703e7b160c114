package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers sharing one PostgreSQL store: a token revoked, an identity deactivated or deleted on
 * one is refused by the other at once (its token cache is cleared by the change announcement), and
 * an expired token is refused by both.
 */
class SharedStoreAuthenticationIT {
  @TempDir Path a;
  @TempDir Path b;

  static final String SCIM = "/api/2.0/preview/scim/v2";

  /** Polls for up to 2 s: the announcement travels through PostgreSQL's NOTIFY. */
  private static int statusSoon(TestServer s, String path, int expected) throws Exception {
    int status = 0;
    for (int i = 0; i < 40; i++) {
      status = s.get(path).status();
      if (status == expected) {
        return status;
      }
      Thread.sleep(50);
    }
    return status;
  }

  @Test
  void a_token_revoked_or_expired_on_one_server_is_refused_by_another_sharing_the_store()
      throws Exception {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    String url = TestDatabases.freshPostgresSchemaUrl();
    try (TestServer one = TestServer.startWithAuth(new KeelConfig("127.0.0.1", 0, a, url));
        TestServer two = TestServer.startWithAuth(new KeelConfig("127.0.0.1", 0, b, url))) {
      assertThat(two.server().adminTokenFile()).as("the first server made the admin").isEmpty();
      TestServer admin1 = one.as("Bearer " + one.adminToken());
      TestServer admin2 = two.as("Bearer " + one.adminToken());
      assertThat(admin2.get(SCIM + "/Me").status()).isEqualTo(200);

      String sp =
          admin1
              .post(SCIM + "/ServicePrincipals", "{\"displayName\":\"job\"}")
              .json()
              .path("applicationId")
              .asText();
      String body =
          admin1
              .post(
                  "/api/2.0/token-management/on-behalf-of/tokens",
                  "{\"application_id\":\"" + sp + "\",\"lifetime_seconds\":3600}")
              .body();
      String token =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(body)
              .path("token_value")
              .asText();
      String tokenId =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(body)
              .path("token_info")
              .path("token_id")
              .asText();
      TestServer job2 = two.as("Bearer " + token);
      assertThat(job2.get(SCIM + "/Me").status()).as("cached on server two").isEqualTo(200);
      assertThat(job2.get(SCIM + "/Me").status()).isEqualTo(200);

      assertThat(admin1.delete("/api/2.0/token-management/tokens/" + tokenId).status())
          .isEqualTo(200);
      assertThat(statusSoon(job2, SCIM + "/Me", 401)).as("revoked on server one").isEqualTo(401);

      String shortLived =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(
                  admin1
                      .post(
                          "/api/2.0/token-management/on-behalf-of/tokens",
                          "{\"application_id\":\"" + sp + "\",\"lifetime_seconds\":1}")
                      .body())
              .path("token_value")
              .asText();
      TestServer brief = two.as("Bearer " + shortLived);
      assertThat(brief.get(SCIM + "/Me").status()).isEqualTo(200);
      Thread.sleep(1_100);
      assertThat(brief.get(SCIM + "/Me").status()).as("expired, though cached").isEqualTo(401);
      assertThat(one.as("Bearer " + shortLived).get(SCIM + "/Me").status()).isEqualTo(401);
    }
  }
}
