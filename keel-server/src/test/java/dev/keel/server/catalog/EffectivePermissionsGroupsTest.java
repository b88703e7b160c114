package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Effective permissions asked for one user include what the groups it belongs to hold, nested
 * groups too, each under the group it was granted to, with the securable it is inherited from.
 */
class EffectivePermissionsGroupsTest {
  static final String SCIM = "/api/2.0/preview/scim/v2";
  static final String UC = "/api/2.1/unity-catalog";

  @TempDir Path dir;

  static JsonNode ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
    return r.json();
  }

  @Test
  void a_users_effective_permissions_fold_in_its_nested_groups_grants() {
    try (TestServer server =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer admin = server.as(TestPrincipals.bearer("root", "admins"));
      String alice =
          ok(admin.post(SCIM + "/Users", "{\"userName\":\"alice\"}")).path("id").asText();
      String analysts =
          ok(admin.post(
                  SCIM + "/Groups",
                  "{\"displayName\":\"analysts\",\"members\":[{\"value\":\"" + alice + "\"}]}"))
              .path("id")
              .asText();
      ok(
          admin.post(
              SCIM + "/Groups",
              "{\"displayName\":\"staff\",\"members\":[{\"value\":\"" + analysts + "\"}]}"));
      ok(
          admin.post(
              UC + "/tables",
              """
              {"name": "eff_t", "catalog_name": "main", "schema_name": "default",
               "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
              """));
      ok(
          admin.send(
              "PATCH",
              UC + "/permissions/schema/main.default",
              "{\"changes\":[{\"principal\":\"staff\",\"add\":[\"SELECT\"]},"
                  + "{\"principal\":\"ALICE\",\"add\":[\"USE_SCHEMA\"]}]}"));
      ok(
          admin.send(
              "PATCH",
              UC + "/permissions/table/main.default.eff_t",
              "{\"changes\":[{\"principal\":\"analysts\",\"add\":[\"MODIFY\"]}]}"));
      ok(
          admin.send(
              "PATCH",
              UC + "/permissions/table/main.default.eff_t",
              "{\"changes\":[{\"principal\":\"root\",\"add\":[\"MODIFY\"]}]}"));

      JsonNode eff =
          ok(admin.get(UC + "/effective-permissions/table/main.default.eff_t?principal=Alice"));
      String body = eff.toString();
      assertThat(body).doesNotContain("\"root\"");
      assertThat(assignment(eff, "staff").toString())
          .contains(
              "\"privilege\":\"SELECT\"",
              "\"inherited_from_type\":\"SCHEMA\"",
              "\"inherited_from_name\":\"main.default\"");
      assertThat(assignment(eff, "analysts").toString())
          .contains("\"privilege\":\"MODIFY\"")
          .doesNotContain("inherited_from");
      // on the schema: her own grant under her name (spelled as the identity is), the group's too
      JsonNode schema =
          ok(admin.get(UC + "/effective-permissions/schema/main.default?principal=ALICE"));
      assertThat(assignment(schema, "alice").toString()).contains("USE SCHEMA");
      assertThat(assignment(schema, "staff").toString()).contains("SELECT");

      // alice asks for herself and sees the same
      JsonNode own =
          ok(
              server
                  .as(TestPrincipals.bearer("alice", "analysts", "staff"))
                  .get(UC + "/effective-permissions/table/main.default.eff_t?principal=alice"));
      assertThat(assignment(own, "staff").toString()).contains("SELECT");
    }
  }

  static JsonNode assignment(JsonNode eff, String principal) {
    for (JsonNode a : eff.path("privilege_assignments")) {
      if (a.path("principal").asText().equals(principal)) {
        return a;
      }
    }
    throw new AssertionError("no assignment for " + principal + " in " + eff);
  }
}
