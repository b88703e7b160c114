package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.service.ml.ExperimentAccessControlRequest;
import com.databricks.sdk.service.ml.ExperimentAccessControlResponse;
import com.databricks.sdk.service.ml.ExperimentPermissionLevel;
import com.databricks.sdk.service.ml.ExperimentPermissions;
import com.databricks.sdk.service.ml.ExperimentPermissionsDescription;
import com.databricks.sdk.service.ml.ExperimentPermissionsRequest;
import com.databricks.sdk.service.serving.ServingEndpointAccessControlRequest;
import com.databricks.sdk.service.serving.ServingEndpointAccessControlResponse;
import com.databricks.sdk.service.serving.ServingEndpointPermissionLevel;
import com.databricks.sdk.service.serving.ServingEndpointPermissions;
import com.databricks.sdk.service.serving.ServingEndpointPermissionsRequest;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks SDK for Java reads and changes experiment and serving endpoint permissions on Keel
 * unchanged, and sees a refusal as {@code PermissionDenied}.
 */
class DatabricksSdkPermissionsTest {
  @TempDir Path dir;

  static WorkspaceClient sdk(TestServer s, String who) {
    return new WorkspaceClient(
        new DatabricksConfig()
            .setHost(s.url())
            .setToken(TestPrincipals.bearer(who).substring("Bearer ".length()))
            .setAuthType("pat"));
  }

  @Test
  void the_sdk_gets_sets_and_updates_experiment_and_endpoint_permissions() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      s.servicePrincipal("scorer").user("alice").group("analysts");
      TestServer alice = s.as(TestPrincipals.bearer("alice"));
      String exp =
          alice
              .post("/api/2.0/mlflow/experiments/create", "{\"name\":\"sdk-perms\"}")
              .json()
              .path("experiment_id")
              .asText();
      WorkspaceClient w = sdk(s, "alice");

      ExperimentPermissions got = w.experiments().getPermissions(exp);
      assertThat(got.getObjectId()).isEqualTo("/experiments/" + exp);
      assertThat(got.getObjectType()).isEqualTo("mlflowExperiment");
      ExperimentAccessControlResponse owner = got.getAccessControlList().iterator().next();
      assertThat(owner.getUserName()).isEqualTo("alice");
      assertThat(owner.getAllPermissions().iterator().next().getPermissionLevel())
          .isEqualTo(ExperimentPermissionLevel.CAN_MANAGE);

      ExperimentPermissions updated =
          w.experiments()
              .updatePermissions(
                  new ExperimentPermissionsRequest()
                      .setExperimentId(exp)
                      .setAccessControlList(
                          List.of(
                              new ExperimentAccessControlRequest()
                                  .setGroupName("analysts")
                                  .setPermissionLevel(ExperimentPermissionLevel.CAN_READ))));
      assertThat(updated.getAccessControlList())
          .extracting(ExperimentAccessControlResponse::getGroupName)
          .contains("analysts");
      assertThat(
              w.experiments().getPermissionLevels(exp).getPermissionLevels().stream()
                  .map(ExperimentPermissionsDescription::getPermissionLevel))
          .containsExactly(
              ExperimentPermissionLevel.CAN_READ,
              ExperimentPermissionLevel.CAN_EDIT,
              ExperimentPermissionLevel.CAN_MANAGE);
      ExperimentPermissions replaced =
          w.experiments().setPermissions(new ExperimentPermissionsRequest().setExperimentId(exp));
      assertThat(replaced.getAccessControlList())
          .extracting(ExperimentAccessControlResponse::getGroupName)
          .doesNotContain("analysts");
      assertThatThrownBy(() -> sdk(s, "eve").experiments().getPermissions(exp))
          .isInstanceOf(PermissionDenied.class)
          .hasMessageContaining("User eve does not have CAN_READ on experiment " + exp);

      long v = version(s.as(TestPrincipals.bearer("root", "admins")), "sdkperm", true);
      ServingFixtures.allowServing(
          s.as(TestPrincipals.bearer("root", "admins")), "alice", "sdkperm");
      String id =
          alice
              .post(API, createBody("sdk-perm-ep", "sdkperm", Long.toString(v)))
              .json()
              .path("id")
              .asText();
      awaitSettled(alice, "sdk-perm-ep");
      ServingEndpointPermissions ep =
          w.servingEndpoints()
              .updatePermissions(
                  new ServingEndpointPermissionsRequest()
                      .setServingEndpointId(id)
                      .setAccessControlList(
                          List.of(
                              new ServingEndpointAccessControlRequest()
                                  .setServicePrincipalName("scorer")
                                  .setPermissionLevel(ServingEndpointPermissionLevel.CAN_QUERY))));
      assertThat(ep.getObjectType()).isEqualTo("serving-endpoint");
      assertThat(ep.getAccessControlList())
          .extracting(ServingEndpointAccessControlResponse::getServicePrincipalName)
          .contains("scorer");
      assertThat(sdk(s, "scorer").servingEndpoints().getPermissions(id).getAccessControlList())
          .isNotEmpty();
      assertThat(
              s.as(TestPrincipals.bearer("scorer"))
                  .post("/serving-endpoints/sdk-perm-ep/invocations", ONE_ROW)
                  .status())
          .isEqualTo(200);
      assertThatThrownBy(() -> sdk(s, "eve").servingEndpoints().getPermissions(id))
          .isInstanceOf(PermissionDenied.class);
    }
  }
}
