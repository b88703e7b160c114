package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any authenticated user may list users, groups and service principals, as Databricks lets
 * workspace users do, but sees only names: no e-mails, external ids, groups or members; reading one
 * other identity and changing any stays with administrators.
 */
class ScimListAccessTest {
  static final String SCIM = "/api/2.0/preview/scim/v2";

  @TempDir Path dir;

  @Test
  void a_user_lists_names_only_and_reads_or_changes_no_other_identity() {
    try (TestServer server =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer admin = server.as(TestPrincipals.bearer("root", "admins"));
      TestServer alice = server.as(TestPrincipals.bearer("alice"));
      TestServer.Response bob =
          admin.post(
              SCIM + "/Users",
              "{\"userName\":\"bob\",\"externalId\":\"ext-42\","
                  + "\"emails\":[{\"value\":\"bob@example.com\",\"primary\":true}]}");
      assertThat(bob.status()).as(bob.body()).isEqualTo(201);
      String bobId = bob.json().path("id").asText();
      TestServer.Response team =
          admin.post(
              SCIM + "/Groups",
              "{\"displayName\":\"team\",\"members\":[{\"value\":\"" + bobId + "\"}]}");
      assertThat(team.status()).as(team.body()).isEqualTo(201);
      assertThat(server.get(SCIM + "/Users").status()).isEqualTo(401);

      TestServer.Response users = alice.get(SCIM + "/Users");
      assertThat(users.status()).as(users.body()).isEqualTo(200);
      JsonNode listed = null;
      for (JsonNode u : users.json().path("Resources")) {
        if (u.path("userName").asText().equals("bob")) {
          listed = u;
        }
      }
      assertThat(listed).as(users.body()).isNotNull();
      assertThat(listed.path("id").asText()).isEqualTo(bobId);
      assertThat(users.body()).doesNotContain("bob@example.com", "ext-42", "\"groups\"");
      TestServer.Response groups = alice.get(SCIM + "/Groups");
      assertThat(groups.status()).as(groups.body()).isEqualTo(200);
      assertThat(groups.body()).contains("\"team\"").doesNotContain("members", bobId);
      assertThat(alice.get(SCIM + "/ServicePrincipals").status()).isEqualTo(200);
      // filtering by name works; by the hidden externalId it does not
      String byName = URLEncoder.encode("userName eq \"bob\"", StandardCharsets.UTF_8);
      assertThat(alice.get(SCIM + "/Users?filter=" + byName).json().path("totalResults").asLong())
          .isEqualTo(1);
      String byExternal = URLEncoder.encode("externalId eq \"ext-42\"", StandardCharsets.UTF_8);
      assertThat(alice.get(SCIM + "/Users?filter=" + byExternal).status()).isEqualTo(403);

      // the administrator still sees everything
      assertThat(admin.get(SCIM + "/Users").body()).contains("bob@example.com", "ext-42");
      // one other identity, and every change, stay with administrators
      assertThat(alice.get(SCIM + "/Users/" + bobId).status()).isEqualTo(403);
      assertThat(alice.post(SCIM + "/Users", "{\"userName\":\"mallory\"}").status()).isEqualTo(403);
      assertThat(alice.send("DELETE", SCIM + "/Users/" + bobId, null).status()).isEqualTo(403);
    }
  }
}
