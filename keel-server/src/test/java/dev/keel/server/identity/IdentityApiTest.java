package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCIM identities and tokens on a real server with authentication on. */
class IdentityApiTest {
  static final String SCIM = "/api/2.0/preview/scim/v2";

  @TempDir Path dir;
  TestServer server;
  TestServer admin;

  @BeforeEach
  void start() {
    server = TestServer.startWithAuth(dir);
    admin = server.as("Bearer " + server.adminToken());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
    return r.json();
  }

  private String createUser(String userName) {
    TestServer.Response r =
        admin.post(
            SCIM + "/Users",
            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\""
                + userName
                + "\",\"displayName\":\"The "
                + userName
                + "\",\"emails\":[{\"value\":\""
                + userName
                + "@example.com\",\"primary\":true}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  private String createGroup(String name, String... memberIds) {
    StringBuilder members = new StringBuilder();
    for (String m : memberIds) {
      members.append(members.isEmpty() ? "" : ",").append("{\"value\":\"").append(m).append("\"}");
    }
    TestServer.Response r =
        admin.post(
            SCIM + "/Groups", "{\"displayName\":\"" + name + "\",\"members\":[" + members + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  private String spToken(String applicationId, long lifetime) {
    TestServer.Response r =
        admin.post(
            "/api/2.0/token-management/on-behalf-of/tokens",
            "{\"application_id\":\""
                + applicationId
                + "\",\"lifetime_seconds\":"
                + lifetime
                + ",\"comment\":\"ci\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("token_info").path("comment").asText()).isEqualTo("ci");
    return r.json().path("token_value").asText();
  }

  private String createSp(String displayName) {
    TestServer.Response r =
        admin.post(SCIM + "/ServicePrincipals", "{\"displayName\":\"" + displayName + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("applicationId").asText();
  }

  @Test
  void an_administrator_creates_reads_lists_patches_replaces_and_deletes_users() {
    String id = createUser("alice");
    JsonNode alice = ok(admin.get(SCIM + "/Users/" + id));
    assertThat(alice.path("userName").asText()).isEqualTo("alice");
    assertThat(alice.path("displayName").asText()).isEqualTo("The alice");
    assertThat(alice.path("active").asBoolean()).isTrue();
    assertThat(alice.path("emails").get(0).path("value").asText()).isEqualTo("alice@example.com");
    assertThat(alice.path("schemas").get(0).asText())
        .isEqualTo("urn:ietf:params:scim:schemas:core:2.0:User");
    assertThat(Long.parseLong(id)).isPositive();

    createUser("bob");
    createUser("carol");
    JsonNode page = ok(admin.get(SCIM + "/Users?startIndex=2&count=2"));
    assertThat(page.path("totalResults").asLong()).isEqualTo(4); // keel, alice, bob, carol
    assertThat(page.path("startIndex").asLong()).isEqualTo(2);
    assertThat(page.path("itemsPerPage").asLong()).isEqualTo(2);
    assertThat(page.path("Resources").findValuesAsText("userName")).containsExactly("bob", "carol");

    JsonNode filtered = ok(admin.get(SCIM + "/Users?filter=userName%20eq%20%22ALICE%22"));
    assertThat(filtered.path("totalResults").asLong()).isEqualTo(1);
    assertThat(filtered.path("Resources").get(0).path("id").asText()).isEqualTo(id);

    TestServer.Response co = admin.get(SCIM + "/Users?filter=userName%20co%20%22a%22");
    assertThat(co.status()).isEqualTo(400);
    assertThat(co.json().path("message").asText()).contains("'filter'").contains("'co'");

    JsonNode patched =
        ok(
            admin.send(
                "PATCH",
                SCIM + "/Users/" + id,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                    + "\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\","
                    + "\"value\":\"Alice A.\"},{\"op\":\"replace\",\"value\":{\"active\":false}}]}"));
    assertThat(patched.path("displayName").asText()).isEqualTo("Alice A.");
    assertThat(patched.path("active").asBoolean()).isFalse();

    TestServer.Response badOp =
        admin.send(
            "PATCH",
            SCIM + "/Users/" + id,
            "{\"Operations\":[{\"op\":\"move\",\"path\":\"displayName\",\"value\":\"x\"}]}");
    assertThat(badOp.status()).isEqualTo(400);
    assertThat(badOp.json().path("message").asText()).contains("Operations[0].op");

    JsonNode replaced =
        ok(admin.send("PUT", SCIM + "/Users/" + id, "{\"userName\":\"alice2\",\"active\":true}"));
    assertThat(replaced.path("userName").asText()).isEqualTo("alice2");
    assertThat(replaced.path("emails")).isEmpty();

    TestServer.Response dup = admin.post(SCIM + "/Users", "{\"userName\":\"Bob\"}");
    assertThat(dup.status()).isEqualTo(409);
    TestServer.Response missing = admin.post(SCIM + "/Users", "{\"displayName\":\"x\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("message").asText()).contains("userName");

    assertThat(admin.delete(SCIM + "/Users/" + id).status()).isEqualTo(204);
    assertThat(admin.get(SCIM + "/Users/" + id).status()).isEqualTo(404);
  }

  @Test
  void groups_nest_refuse_cycles_and_members_of_admins_through_nesting_are_administrators() {
    String sp = createSp("deployer");
    String spId =
        ok(admin.get(SCIM + "/ServicePrincipals?filter=applicationId%20eq%20%22" + sp + "%22"))
            .path("Resources")
            .get(0)
            .path("id")
            .asText();
    String token = spToken(sp, 3600);
    TestServer deployer = server.as("Bearer " + token);

    assertThat(deployer.get(SCIM + "/Users").status()).as("anyone lists names").isEqualTo(200);
    TestServer.Response denied = deployer.post(SCIM + "/Users", "{\"userName\":\"x\"}");
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(deployer.get("/api/2.1/unity-catalog/catalogs/main").status()).isEqualTo(403);
    assertThat(ok(deployer.get(SCIM + "/ServicePrincipals/" + spId)).path("applicationId").asText())
        .as("a caller reads itself")
        .isEqualTo(sp);

    String inner = createGroup("inner", spId);
    String outer = createGroup("outer", inner);
    JsonNode innerGroup = ok(admin.get(SCIM + "/Groups/" + inner));
    assertThat(innerGroup.path("members").get(0).path("value").asText()).isEqualTo(spId);
    assertThat(innerGroup.path("groups").get(0).path("display").asText()).isEqualTo("outer");

    TestServer.Response cycle =
        admin.send(
            "PATCH",
            SCIM + "/Groups/" + inner,
            "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\""
                + outer
                + "\"}]}]}");
    assertThat(cycle.status()).as(cycle.body()).isEqualTo(400);
    assertThat(cycle.json().path("message").asText()).contains("member of itself");
    assertThat(ok(admin.get(SCIM + "/Groups/" + outer)).path("groups")).isEmpty();

    JsonNode admins =
        ok(admin.get(SCIM + "/Groups?filter=displayName%20eq%20%22admins%22")).path("Resources");
    String adminsId = admins.get(0).path("id").asText();
    ok(
        admin.send(
            "PATCH",
            SCIM + "/Groups/" + adminsId,
            "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\""
                + outer
                + "\"}]}]}"));
    JsonNode me = ok(deployer.get(SCIM + "/Me"));
    assertThat(me.path("userName").asText()).isEqualTo(sp);
    assertThat(deployer.get("/api/2.0/token-management/tokens").status())
        .as("admin through nesting")
        .isEqualTo(200);

    ok(
        admin.send(
            "PATCH",
            SCIM + "/Groups/" + adminsId,
            "{\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\""
                + outer
                + "\\\"]\"}]}"));
    assertThat(deployer.get("/api/2.0/token-management/tokens").status())
        .as("membership changes apply at once")
        .isEqualTo(403);

    TestServer.Response renameAdmins =
        admin.send("PUT", SCIM + "/Groups/" + adminsId, "{\"displayName\":\"root\"}");
    assertThat(renameAdmins.status()).isEqualTo(400);
    assertThat(admin.delete(SCIM + "/Groups/" + adminsId).status()).isEqualTo(400);
  }

  @Test
  void tokens_are_created_listed_and_revoked_and_a_revoked_or_expired_one_is_refused_at_once()
      throws Exception {
    String sp = createSp("trainer");
    String token = spToken(sp, 3600);
    TestServer trainer = server.as("Bearer " + token);

    JsonNode created = ok(trainer.post("/api/2.0/token/create", "{\"lifetime_seconds\":1}"));
    String shortLived = created.path("token_value").asText();
    long creation = created.path("token_info").path("creation_time").asLong();
    assertThat(created.path("token_info").path("expiry_time").asLong()).isEqualTo(creation + 1000);
    String secondId = created.path("token_info").path("token_id").asText();

    JsonNode mine = ok(trainer.get("/api/2.0/token/list"));
    assertThat(mine.path("token_infos")).hasSize(2);
    assertThat(mine.toString()).doesNotContain(token.substring(37)).doesNotContain("hash");

    assertThat(server.as("Bearer " + shortLived).get(SCIM + "/Me").status()).isEqualTo(200);
    Thread.sleep(1_100);
    assertThat(server.as("Bearer " + shortLived).get(SCIM + "/Me").status())
        .as("expired")
        .isEqualTo(401);

    for (String bad : List.of("0", "-5")) {
      TestServer.Response r =
          trainer.post("/api/2.0/token/create", "{\"lifetime_seconds\":" + bad + "}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().path("message").asText()).contains("lifetime_seconds");
    }

    JsonNode all = ok(admin.get("/api/2.0/token-management/tokens?created_by_username=" + sp));
    assertThat(all.path("token_infos")).hasSize(1);
    JsonNode info = all.path("token_infos").get(0);
    assertThat(info.path("token_id").asText()).isEqualTo(secondId);
    assertThat(info.path("created_by_username").asText()).isEqualTo(sp);
    assertThat(info.path("owner_id").isNumber()).isTrue();
    assertThat(ok(admin.get("/api/2.0/token-management/tokens")).path("token_infos"))
        .hasSize(3); // keel's, the OBO one, the short-lived one

    // A token is one wrong character away from useless.
    String tampered = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
    assertThat(server.as("Bearer " + tampered).get(SCIM + "/Me").status()).isEqualTo(401);

    String firstId =
        ok(trainer.get("/api/2.0/token/list"))
            .path("token_infos")
            .findValuesAsText("token_id")
            .stream()
            .filter(t -> !t.equals(secondId))
            .findFirst()
            .orElseThrow();
    assertThat(
            server
                .as("Bearer " + server.adminToken())
                .post("/api/2.0/token/delete", "{\"token_id\":\"" + firstId + "\"}")
                .status())
        .as("another's token is not found")
        .isEqualTo(404);
    ok(trainer.post("/api/2.0/token/delete", "{\"token_id\":\"" + firstId + "\"}"));
    assertThat(trainer.get(SCIM + "/Me").status()).as("revoked").isEqualTo(401);

    String again = spToken(sp, 3600);
    String againId =
        ok(admin.get("/api/2.0/token-management/tokens?created_by_username=keel"))
            .path("token_infos")
            .findValuesAsText("token_id")
            .stream()
            .filter(t -> again.contains(t))
            .findFirst()
            .orElseThrow();
    assertThat(
            ok(admin.get("/api/2.0/token-management/tokens/" + againId))
                .path("token_info")
                .path("token_id")
                .asText())
        .isEqualTo(againId);
    assertThat(admin.delete("/api/2.0/token-management/tokens/" + againId).status()).isEqualTo(200);
    assertThat(server.as("Bearer " + again).get(SCIM + "/Me").status()).isEqualTo(401);
    assertThat(admin.delete("/api/2.0/token-management/tokens/" + againId).status()).isEqualTo(404);
  }

  @Test
  void deleting_an_identity_revokes_its_tokens_and_the_last_administrator_cannot_be_deleted() {
    String sp = createSp("batch");
    String token = spToken(sp, 3600);
    String id =
        ok(admin.get(SCIM + "/ServicePrincipals?filter=applicationId%20eq%20%22" + sp + "%22"))
            .path("Resources")
            .get(0)
            .path("id")
            .asText();
    assertThat(server.as("Bearer " + token).get(SCIM + "/Me").status()).isEqualTo(200);
    assertThat(admin.delete(SCIM + "/ServicePrincipals/" + id).status()).isEqualTo(204);
    assertThat(server.as("Bearer " + token).get(SCIM + "/Me").status()).isEqualTo(401);
    assertThat(
            admin
                .get("/api/2.0/token-management/tokens?created_by_username=keel")
                .json()
                .path("token_infos")
                .findValuesAsText("owner_id"))
        .doesNotContain(id);

    String keelId = ok(admin.get(SCIM + "/Me")).path("id").asText();
    // keel owns main and main.default: they change hands first (an owner is not deleted)
    TestServer.Response owns = admin.delete(SCIM + "/Users/" + keelId);
    assertThat(owns.status()).isEqualTo(400);
    assertThat(owns.json().path("message").asText()).contains("owns CATALOG main");
    ok(admin.send("PATCH", "/api/2.1/unity-catalog/catalogs/main", "{\"owner\":\"admins\"}"));
    ok(
        admin.send(
            "PATCH", "/api/2.1/unity-catalog/schemas/main.default", "{\"owner\":\"admins\"}"));
    TestServer.Response last = admin.delete(SCIM + "/Users/" + keelId);
    assertThat(last.status()).isEqualTo(400);
    assertThat(last.json().path("message").asText()).contains("without an administrator");

    TestServer.Response obo =
        admin.post(
            "/api/2.0/token-management/on-behalf-of/tokens",
            "{\"application_id\":\"nobody\",\"lifetime_seconds\":60}");
    assertThat(obo.status()).isEqualTo(404);
    assertThat(obo.json().path("message").asText()).contains("application_id");
  }

  @Test
  void list_pages_with_the_sdk_protocol_until_an_empty_page() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      createGroup("g" + i);
    }
    long start = 1;
    while (true) {
      JsonNode page = ok(admin.get(SCIM + "/Groups?startIndex=" + start + "&count=2"));
      JsonNode resources = page.path("Resources");
      if (resources.isEmpty()) {
        break;
      }
      resources.forEach(g -> names.add(g.path("displayName").asText()));
      start += resources.size();
    }
    assertThat(names).containsExactly("admins", "g0", "g1", "g2", "g3", "g4");
    JsonNode projected = ok(admin.get(SCIM + "/Groups?attributes=displayName&count=1"));
    assertThat(projected.path("Resources").get(0).has("members")).isFalse();
    assertThat(projected.path("Resources").get(0).has("id")).isTrue();
    JsonNode excluded = ok(admin.get(SCIM + "/Groups?excludedAttributes=members,meta&count=1"));
    assertThat(excluded.path("Resources").get(0).has("members")).isFalse();
    assertThat(excluded.path("Resources").get(0).has("displayName")).isTrue();
  }

  @Test
  void memberships_change_from_the_member_side_and_strangers_cannot_read_others() {
    String alice = createUser("alice");
    String bob = createUser("bob");
    String team = createGroup("team");
    JsonNode joined =
        ok(
            admin.send(
                "PATCH",
                SCIM + "/Users/" + alice,
                "{\"Operations\":[{\"op\":\"add\",\"path\":\"groups\",\"value\":[{\"value\":\""
                    + team
                    + "\"}]}]}"));
    assertThat(joined.path("groups").findValuesAsText("display")).containsExactly("team");
    assertThat(ok(admin.get(SCIM + "/Groups/" + team)).path("members").findValuesAsText("value"))
        .containsExactly(alice);

    JsonNode replaced =
        ok(
            admin.send(
                "PUT",
                SCIM + "/Groups/" + team,
                "{\"displayName\":\"team\",\"members\":[{\"value\":\"" + bob + "\"}]}"));
    assertThat(replaced.path("members").findValuesAsText("value")).containsExactly(bob);

    ok(
        admin.send(
            "PATCH",
            SCIM + "/Users/" + bob,
            "{\"Operations\":[{\"op\":\"remove\",\"path\":\"groups[value eq \\\""
                + team
                + "\\\"]\"}]}"));
    assertThat(ok(admin.get(SCIM + "/Groups/" + team)).path("members")).isEmpty();

    TestServer.Response unknown =
        admin.send(
            "PATCH",
            SCIM + "/Users/" + bob,
            "{\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}]}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("message").asText()).contains("'title' is not supported");
    assertThat(admin.get(SCIM + "/Users/123").status()).isEqualTo(404);
    assertThat(admin.get(SCIM + "/Groups/" + alice).status())
        .as("a user is no group")
        .isEqualTo(404);

    String sp = createSp("reader");
    TestServer reader = server.as("Bearer " + spToken(sp, 600));
    TestServer.Response other = reader.get(SCIM + "/Users/" + alice);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().path("message").asText()).contains("Only administrators");
    assertThat(reader.get("/api/2.0/token-management/tokens").status()).isEqualTo(403);
  }
}
