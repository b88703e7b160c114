package dev.keel.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.Unauthenticated;
import com.databricks.sdk.service.iam.ComplexValue;
import com.databricks.sdk.service.iam.Group;
import com.databricks.sdk.service.iam.ListGroupsRequest;
import com.databricks.sdk.service.iam.ListUsersRequest;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.iam.PartialUpdate;
import com.databricks.sdk.service.iam.Patch;
import com.databricks.sdk.service.iam.PatchOp;
import com.databricks.sdk.service.iam.PatchSchema;
import com.databricks.sdk.service.iam.ServicePrincipal;
import com.databricks.sdk.service.iam.User;
import com.databricks.sdk.service.settings.CreateOboTokenRequest;
import com.databricks.sdk.service.settings.CreateOboTokenResponse;
import com.databricks.sdk.service.settings.CreateTokenRequest;
import com.databricks.sdk.service.settings.CreateTokenResponse;
import com.databricks.sdk.service.settings.ListTokenManagementRequest;
import com.databricks.sdk.service.settings.PublicTokenInfo;
import com.databricks.sdk.service.settings.TokenInfo;
import dev.keel.server.TestServer;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.CatalogsApi;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The real clients against a server with authentication on: the Databricks SDK manages users,
 * groups, service principals and tokens unchanged and maps 401/403 to Unauthenticated /
 * PermissionDenied; the MLflow and Unity Catalog clients see their 401.
 */
class IdentityClientsTest {
  @TempDir Path dir;

  static WorkspaceClient sdk(TestServer s, String token) {
    return new WorkspaceClient(
        new DatabricksConfig().setHost(s.url()).setToken(token).setAuthType("pat"));
  }

  @Test
  void the_databricks_sdk_manages_identities_and_tokens_and_sees_unauthenticated_and_denied() {
    try (TestServer s = TestServer.startWithAuth(dir)) {
      WorkspaceClient admin = sdk(s, s.adminToken());
      assertThat(admin.currentUser().me(new MeRequest()).getUserName()).isEqualTo("keel");

      User alice =
          admin
              .users()
              .create(
                  new User()
                      .setUserName("alice@example.com")
                      .setDisplayName("Alice")
                      .setEmails(List.of(new ComplexValue().setValue("alice@example.com"))));
      assertThat(alice.getId()).matches("\\d+");
      List<User> found = new ArrayList<>();
      admin
          .users()
          .list(new ListUsersRequest().setFilter("userName eq \"alice@example.com\""))
          .forEach(found::add);
      assertThat(found).extracting(User::getId).containsExactly(alice.getId());
      List<String> all = new ArrayList<>();
      admin.users().list(new ListUsersRequest()).forEach(u -> all.add(u.getUserName()));
      assertThat(all).containsExactly("alice@example.com", "keel");

      Group team = admin.groups().create(new Group().setDisplayName("team"));
      admin
          .groups()
          .patch(
              new PartialUpdate()
                  .setId(team.getId())
                  .setSchemas(List.of(PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP))
                  .setOperations(
                      List.of(
                          new Patch()
                              .setOp(PatchOp.ADD)
                              .setPath("members")
                              .setValue(List.of(Map.of("value", alice.getId()))))));
      assertThat(admin.groups().get(team.getId()).getMembers())
          .extracting(ComplexValue::getValue)
          .containsExactly(alice.getId());
      List<String> groups = new ArrayList<>();
      admin.groups().list(new ListGroupsRequest()).forEach(g -> groups.add(g.getDisplayName()));
      assertThat(groups).containsExactly("admins", "team");
      assertThat(admin.users().get(alice.getId()).getGroups())
          .extracting(ComplexValue::getDisplay)
          .containsExactly("team");

      ServicePrincipal sp =
          admin.servicePrincipals().create(new ServicePrincipal().setDisplayName("ci"));
      assertThat(sp.getApplicationId()).isNotBlank();
      CreateOboTokenResponse obo =
          admin
              .tokenManagement()
              .createOboToken(
                  new CreateOboTokenRequest()
                      .setApplicationId(sp.getApplicationId())
                      .setLifetimeSeconds(3600L)
                      .setComment("pipeline"));
      assertThat(obo.getTokenValue()).startsWith("keel_");
      assertThat(obo.getTokenInfo().getOwnerId()).isEqualTo(Long.parseLong(sp.getId()));

      WorkspaceClient ci = sdk(s, obo.getTokenValue());
      assertThat(ci.currentUser().me(new MeRequest()).getUserName())
          .isEqualTo(sp.getApplicationId());
      CreateTokenResponse own =
          ci.tokens().create(new CreateTokenRequest().setLifetimeSeconds(600L).setComment("own"));
      List<PublicTokenInfo> mine = new ArrayList<>();
      ci.tokens().list().forEach(mine::add);
      assertThat(mine).extracting(PublicTokenInfo::getComment).contains("own", "pipeline");
      ci.tokens().delete(own.getTokenInfo().getTokenId());

      List<TokenInfo> made = new ArrayList<>();
      admin
          .tokenManagement()
          .list(new ListTokenManagementRequest().setCreatedByUsername("keel"))
          .forEach(made::add);
      assertThat(made).extracting(TokenInfo::getComment).contains("pipeline");
      assertThat(
              admin
                  .tokenManagement()
                  .get(obo.getTokenInfo().getTokenId())
                  .getTokenInfo()
                  .getCreatedByUsername())
          .isEqualTo("keel");

      // A non-administrator lists identities by name only, and cannot change them
      List<User> seen = new ArrayList<>();
      ci.users().list(new ListUsersRequest()).forEach(seen::add);
      assertThat(seen).extracting(User::getUserName).contains("keel");
      assertThat(seen).allSatisfy(u -> assertThat(u.getEmails()).isNullOrEmpty());
      assertThatThrownBy(() -> ci.users().create(new User().setUserName("mallory")))
          .isInstanceOf(PermissionDenied.class);
      admin.tokenManagement().delete(obo.getTokenInfo().getTokenId());
      assertThatThrownBy(() -> ci.currentUser().me(new MeRequest()))
          .isInstanceOf(Unauthenticated.class);
      assertThatThrownBy(() -> sdk(s, "keel_nope").catalogs().get("main"))
          .isInstanceOf(Unauthenticated.class);
    }
  }

  @Test
  void the_mlflow_and_unity_catalog_clients_see_401_without_a_valid_token() throws Exception {
    try (TestServer s = TestServer.startWithAuth(dir)) {
      MlflowClient bad = new MlflowClient(new BasicMlflowHostCreds(s.url(), "keel_bad"));
      assertThatThrownBy(() -> bad.getExperiment("0"))
          .isInstanceOfSatisfying(
              MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
      MlflowClient good = new MlflowClient(new BasicMlflowHostCreds(s.url(), s.adminToken()));
      assertThat(good.getExperiment("0").getExperimentId()).isEqualTo("0");

      URI uri = URI.create(s.url());
      ApiClient uc =
          new ApiClient()
              .setScheme(uri.getScheme())
              .setHost(uri.getHost())
              .setPort(uri.getPort())
              .setBasePath("/api/2.1/unity-catalog");
      assertThatThrownBy(() -> new CatalogsApi(uc).getCatalog("main"))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      uc.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + s.adminToken()));
      assertThat(new CatalogsApi(uc).getCatalog("main").getName()).isEqualTo("main");
    }
  }
}
