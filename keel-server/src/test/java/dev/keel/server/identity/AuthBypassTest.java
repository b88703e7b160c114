package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authentication advisories of MLflow's basic-auth app and Unity Catalog (reliability-security
 * §1), replayed against Keel with authentication on: every attack is refused.
 */
class AuthBypassTest {
  @TempDir Path dir;

  @Test
  void unauthenticated_or_non_admin_user_creation_is_refused_cve_2023_6014() {
    try (TestServer s = TestServer.startWithAuth(dir)) {
      String body = "{\"userName\":\"mallory\"}";
      assertThat(s.post("/api/2.0/preview/scim/v2/Users", body).status()).isEqualTo(401);
      TestServer admin = s.as("Bearer " + s.adminToken());
      String sp =
          admin
              .post("/api/2.0/preview/scim/v2/ServicePrincipals", "{\"displayName\":\"bot\"}")
              .json()
              .path("applicationId")
              .asText();
      String token =
          admin
              .post(
                  "/api/2.0/token-management/on-behalf-of/tokens",
                  "{\"application_id\":\"" + sp + "\",\"lifetime_seconds\":600}")
              .json()
              .path("token_value")
              .asText();
      TestServer bot = s.as("Bearer " + token);
      assertThat(bot.post("/api/2.0/preview/scim/v2/Users", body).status()).isEqualTo(403);
      assertThat(
              bot.post(
                      "/api/2.0/token-management/on-behalf-of/tokens",
                      "{\"application_id\":\"" + sp + "\",\"lifetime_seconds\":600}")
                  .status())
          .as("a non-admin cannot mint tokens for others, itself included")
          .isEqualTo(403);
      assertThat(
              bot.send(
                      "PATCH",
                      "/api/2.0/preview/scim/v2/Groups/1",
                      "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"1\"}]}]}")
                  .status())
          .as("nor join admins")
          .isEqualTo(403);
      assertThat(
              admin
                  .get("/api/2.0/preview/scim/v2/Users?filter=userName%20eq%20%22mallory%22")
                  .json()
                  .path("totalResults")
                  .asLong())
          .isZero();
    }
  }

  @Test
  void no_alternate_path_or_method_reaches_a_route_without_a_token_cve_2025_14297()
      throws Exception {
    try (TestServer s = TestServer.startWithAuth(dir)) {
      HttpClient http = HttpClient.newHttpClient();
      List<String> paths =
          List.of(
              "/api/2.1/unity-catalog/catalogs",
              "//api/2.1/unity-catalog/catalogs",
              "/api/2.1/unity-catalog/catalogs/",
              "/api/2.1/unity-catalog/%63atalogs",
              "/api/2.1/unity-catalog/./catalogs",
              "/health/../api/2.1/unity-catalog/catalogs",
              "/health/..%2Fapi/2.1/unity-catalog/catalogs",
              "/API/2.1/unity-catalog/catalogs",
              "/ajax-api/2.0/mlflow/experiments/search?max_results=10",
              "/api/2.0/mlflow/experiments/search?max_results=10",
              "/api/2.0/preview/scim/v2/Users",
              "/api/2.0/token-management/tokens");
      for (String path : paths) {
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(s.url() + path))
                      .method(method, HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(method + " " + path).isNotEqualTo(200);
          assertThat(r.body()).as(method + " " + path).doesNotContain("\"catalogs\"");
        }
      }
    }
  }

  @Test
  void a_token_with_a_known_id_and_a_forged_secret_is_refused_cve_2026_27478() {
    try (TestServer s = TestServer.startWithAuth(dir)) {
      String real = s.adminToken();
      String forged = real.substring(0, 37) + "f".repeat(64);
      assertThat(s.as("Bearer " + forged).get("/api/2.0/preview/scim/v2/Me").status())
          .isEqualTo(401);
      assertThat(s.as("Bearer " + real.toUpperCase()).get("/api/2.0/preview/scim/v2/Me").status())
          .isEqualTo(401);
      assertThat(s.as("Bearer " + real + " ").get("/api/2.0/preview/scim/v2/Me").status())
          .as("surrounding space is ignored, as the header grammar allows")
          .isEqualTo(200);
    }
  }
}
