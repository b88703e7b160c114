package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants, access control lists and owners name principals that exist, with and without
 * authentication: the local user {@code keel} of a server without authentication, the first
 * administrator of one with it, and users created through SCIM.
 */
class GrantPrincipalsTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String SCIM = "/api/2.0/preview/scim/v2";

  @TempDir Path dir;

  static Response ok(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  static Response grant(TestServer who, String principal, String privilege) {
    return who.send(
        "PATCH",
        UC + "/permissions/catalog/main",
        "{\"changes\":[{\"principal\":\"" + principal + "\",\"add\":[\"" + privilege + "\"]}]}");
  }

  static Response revoke(TestServer who, String principal, String privilege) {
    return who.send(
        "PATCH",
        UC + "/permissions/catalog/main",
        "{\"changes\":[{\"principal\":\"" + principal + "\",\"remove\":[\"" + privilege + "\"]}]}");
  }

  @Test
  void without_authentication_the_local_user_keel_and_scim_users_may_be_named() {
    try (TestServer s = TestServer.start(dir)) {
      ok(grant(s, "keel", "BROWSE"));
      Response ghost = grant(s, "ghost", "BROWSE");
      assertThat(ghost.status()).as(ghost.body()).isEqualTo(400);
      assertThat(ghost.json().path("message").asText())
          .isEqualTo("'changes[0].principal': no user, group or service principal named 'ghost'.");

      assertThat(s.post(SCIM + "/Users", "{\"userName\":\"Ada.Lovelace@example.com\"}").status())
          .isEqualTo(201);
      ok(grant(s, "ada.lovelace@example.com", "USE CATALOG"));
      assertThat(ok(s.get(UC + "/permissions/catalog/main")).body())
          .contains("\"principal\":\"Ada.Lovelace@example.com\"", "\"principal\":\"keel\"");

      // owners: the same rule; the local user spelled in any case is keel
      ok(s.send("PATCH", UC + "/schemas/main.default", "{\"owner\":\"ADA.LOVELACE@example.com\"}"));
      assertThat(
              ok(s.send("PATCH", UC + "/schemas/main.default", "{\"owner\":\"KEEL\"}"))
                  .json()
                  .path("owner")
                  .asText())
          .isEqualTo("keel");

      // object permissions: keel is a user
      String exp =
          ok(s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"gp\"}"))
              .json()
              .path("experiment_id")
              .asText();
      ok(
          s.send(
              "PATCH",
              "/api/2.0/permissions/experiments/" + exp,
              "{\"access_control_list\":[{\"user_name\":\"keel\",\"permission_level\":\"CAN_EDIT\"},"
                  + "{\"user_name\":\"Ada.Lovelace@example.com\",\"permission_level\":\"CAN_READ\"}]}"));
      Response group =
          s.send(
              "PATCH",
              "/api/2.0/permissions/experiments/" + exp,
              "{\"access_control_list\":[{\"group_name\":\"keel\",\"permission_level\":\"CAN_READ\"}]}");
      assertThat(group.status()).as(group.body()).isEqualTo(400);
      assertThat(group.json().path("message").asText())
          .isEqualTo(
              "'access_control_list[0].group_name': no group named 'keel' (keel is a user).");
    }
  }

  @Test
  void
      with_authentication_the_first_administrator_may_be_named_and_a_deleted_users_grants_removed() {
    try (TestServer started = TestServer.startWithAuth(dir)) {
      TestServer admin = started.as("Bearer " + started.adminToken());
      ok(grant(admin, "keel", "BROWSE"));
      String bob = admin.post(SCIM + "/Users", "{\"userName\":\"bob\"}").json().path("id").asText();
      ok(grant(admin, "bob", "USE CATALOG"));
      assertThat(admin.delete(SCIM + "/Users/" + bob).status()).isEqualTo(204);

      // bob is gone, and his grants with him: granting to him or revoking from him is refused
      assertThat(ok(admin.get(UC + "/permissions/catalog/main")).body()).doesNotContain("bob");
      Response again = grant(admin, "bob", "BROWSE");
      assertThat(again.status()).as(again.body()).isEqualTo(400);
      assertThat(again.body()).contains("changes[0].principal", "'bob'");
      assertThat(revoke(admin, "bob", "USE CATALOG").status()).isEqualTo(400);
    }
  }
}
