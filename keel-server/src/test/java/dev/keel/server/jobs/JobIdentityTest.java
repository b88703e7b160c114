package dev.keel.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who a job runs as and who owns it, as Databricks rules them: only an administrator makes a job
 * run as another identity (a non-administrator who could would act with that identity's token); a
 * job has exactly one owner, a user or service principal, shown as {@code IS_OWNER}; only an
 * administrator moves ownership, and the previous owner keeps {@code CAN_MANAGE}; an access control
 * list given at create is applied.
 */
class JobIdentityTest {
  static final String TASK =
      "'tasks':[{'task_key':'a','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]";

  @TempDir Path dir;

  private static String q(String json) {
    return json.replace('\'', '"');
  }

  private static long create(TestServer as, String extra) {
    TestServer.Response r =
        as.send("POST", "/api/2.2/jobs/create", q("{'name':'j'," + extra + TASK + "}"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("job_id").asLong();
  }

  private static JsonNode entry(JsonNode acl, String user) {
    for (JsonNode e : acl.path("access_control_list")) {
      if (e.path("user_name").asText().equals(user)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void only_an_administrator_makes_a_job_run_as_another_identity() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer admin = s.as(TestPrincipals.bearer("root", "admins"));
      s.as(TestPrincipals.bearer("alice")); // the identity run_as names below
      TestServer bob = s.as(TestPrincipals.bearer("bob"));

      TestServer.Response stolen =
          bob.send(
              "POST",
              "/api/2.2/jobs/create",
              q("{'name':'steal','run_as':{'user_name':'root'}," + TASK + "}"));
      assertThat(stolen.status()).isEqualTo(403);
      assertThat(stolen.json().path("error_code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(stolen.json().path("message").asText()).contains("run_as").contains("root");
      assertThat(admin.send("GET", "/api/2.2/jobs/list", null).json().path("jobs").size()).isZero();
      TestServer.Response submitted =
          bob.send(
              "POST",
              "/api/2.2/jobs/runs/submit",
              q("{'run_name':'x','run_as':{'user_name':'alice'}," + TASK + "}"));
      assertThat(submitted.status()).isEqualTo(403);

      TestServer.Response unknown =
          admin.send(
              "POST",
              "/api/2.2/jobs/create",
              q("{'name':'u','run_as':{'user_name':'nobody'}," + TASK + "}"));
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().path("message").asText())
          .contains("run_as.user_name")
          .contains("nobody");

      long own = create(bob, "'run_as':{'user_name':'bob'},");
      assertThat(
              bob.send("GET", "/api/2.2/jobs/get?job_id=" + own, null)
                  .json()
                  .path("run_as_user_name")
                  .asText())
          .isEqualTo("bob");

      long asAlice = create(admin, "'run_as':{'user_name':'alice'},");
      TestServer.Response grant =
          admin.send(
              "PATCH",
              "/api/2.0/permissions/jobs/" + asAlice,
              q("{'access_control_list':[{'user_name':'bob','permission_level':'CAN_MANAGE'}]}"));
      assertThat(grant.status()).isEqualTo(200);
      TestServer.Response retarget =
          bob.send(
              "POST",
              "/api/2.2/jobs/update",
              q("{'job_id':" + asAlice + ",'new_settings':{'run_as':{'user_name':'root'}}}"));
      assertThat(retarget.status()).isEqualTo(403);
      TestServer.Response reset =
          bob.send(
              "POST",
              "/api/2.2/jobs/reset",
              q(
                  "{'job_id':"
                      + asAlice
                      + ",'new_settings':{'name':'j','run_as':{'user_name':'root'},"
                      + TASK
                      + "}}"));
      assertThat(reset.status()).isEqualTo(403);
      // Keeping the identity the job already runs as is no change: a manager may edit the rest.
      TestServer.Response keep =
          bob.send(
              "POST",
              "/api/2.2/jobs/update",
              q(
                  "{'job_id':"
                      + asAlice
                      + ",'new_settings':{'description':'d','run_as':{'user_name':'alice'}}}"));
      assertThat(keep.status()).as(keep.body()).isEqualTo(200);
      assertThat(
              admin
                  .send("GET", "/api/2.2/jobs/get?job_id=" + asAlice, null)
                  .json()
                  .path("run_as_user_name")
                  .asText())
          .isEqualTo("alice");
    }
  }

  @Test
  void a_job_has_one_owner_that_only_an_administrator_moves() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer admin = s.as(TestPrincipals.bearer("root", "admins"));
      TestServer alice = s.as(TestPrincipals.bearer("alice"));
      TestServer bob = s.as(TestPrincipals.bearer("bob", "team"));
      long id = create(alice, "");
      String path = "/api/2.0/permissions/jobs/" + id;

      JsonNode acl = alice.send("GET", path, null).json();
      assertThat(
              entry(acl, "alice").path("all_permissions").get(0).path("permission_level").asText())
          .isEqualTo("IS_OWNER");

      TestServer.Response byOwner =
          alice.send(
              "PATCH",
              path,
              q("{'access_control_list':[{'user_name':'bob','permission_level':'IS_OWNER'}]}"));
      assertThat(byOwner.status()).isEqualTo(403);
      assertThat(byOwner.json().path("message").asText()).contains("IS_OWNER");
      TestServer.Response two =
          admin.send(
              "PUT",
              path,
              q(
                  "{'access_control_list':[{'user_name':'bob','permission_level':'IS_OWNER'},"
                      + "{'user_name':'alice','permission_level':'IS_OWNER'}]}"));
      assertThat(two.status()).isEqualTo(400);
      assertThat(two.json().path("message").asText()).contains("one owner");
      TestServer.Response group =
          admin.send(
              "PATCH",
              path,
              q("{'access_control_list':[{'group_name':'team','permission_level':'IS_OWNER'}]}"));
      assertThat(group.status()).isEqualTo(400);
      assertThat(group.json().path("message").asText()).contains("group");
      assertThat(entry(admin.send("GET", path, null).json(), "alice")).isNotNull();
      assertThat(entry(admin.send("GET", path, null).json(), "bob")).isNull();

      TestServer.Response moved =
          admin.send(
              "PATCH",
              path,
              q("{'access_control_list':[{'user_name':'bob','permission_level':'IS_OWNER'}]}"));
      assertThat(moved.status()).as(moved.body()).isEqualTo(200);
      JsonNode after = admin.send("GET", path, null).json();
      assertThat(
              entry(after, "bob").path("all_permissions").get(0).path("permission_level").asText())
          .isEqualTo("IS_OWNER");
      assertThat(
              entry(after, "alice")
                  .path("all_permissions")
                  .get(0)
                  .path("permission_level")
                  .asText())
          .isEqualTo("CAN_MANAGE");
      assertThat(bob.send("POST", "/api/2.2/jobs/delete", q("{'job_id':" + id + "}")).status())
          .isEqualTo(200);
    }
  }

  @Test
  void an_access_control_list_given_at_create_is_applied_or_nothing_is_saved() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer alice = s.as(TestPrincipals.bearer("alice"));
      TestServer bob = s.as(TestPrincipals.bearer("bob"));
      TestServer.Response bad =
          alice.send(
              "POST",
              "/api/2.2/jobs/create",
              q(
                  "{'name':'j','access_control_list':[{'user_name':'nobody','permission_level':'CAN_VIEW'}],"
                      + TASK
                      + "}"));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("message").asText()).contains("access_control_list[0].user_name");
      assertThat(alice.send("GET", "/api/2.2/jobs/list", null).json().path("jobs").size()).isZero();

      long id =
          create(
              alice,
              "'access_control_list':[{'user_name':'bob','permission_level':'CAN_MANAGE_RUN'}],");
      assertThat(bob.send("GET", "/api/2.2/jobs/get?job_id=" + id, null).status()).isEqualTo(200);
      assertThat(bob.send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + id + "}")).status())
          .isEqualTo(200);
    }
  }
}
