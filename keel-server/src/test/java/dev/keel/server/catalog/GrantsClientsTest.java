package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.service.catalog.EffectivePermissionsList;
import com.databricks.sdk.service.catalog.EffectivePrivilege;
import com.databricks.sdk.service.catalog.GetPermissionsResponse;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.CatalogsApi;
import io.unitycatalog.client.api.GrantsApi;
import io.unitycatalog.client.api.SchemasApi;
import io.unitycatalog.client.model.CreateCatalog;
import io.unitycatalog.client.model.CreateSchema;
import io.unitycatalog.client.model.PermissionsChange;
import io.unitycatalog.client.model.PermissionsList;
import io.unitycatalog.client.model.Privilege;
import io.unitycatalog.client.model.PrivilegeAssignment;
import io.unitycatalog.client.model.SecurableType;
import io.unitycatalog.client.model.UpdatePermissions;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real clients read and change grants unchanged: the Unity Catalog OSS client's {@code
 * GrantsApi} (privileges with spaces) and the Databricks SDK's {@code grants()} (underscores).
 */
class GrantsClientsTest {
  @TempDir Path dir;

  static ApiClient uc(TestServer s, String bearer) {
    URI uri = URI.create(s.url());
    return new ApiClient()
        .setScheme(uri.getScheme())
        .setHost(uri.getHost())
        .setPort(uri.getPort())
        .setBasePath("/api/2.1/unity-catalog")
        .setRequestInterceptor(b -> b.header("Authorization", bearer));
  }

  static WorkspaceClient sdk(TestServer s, String token) {
    return new WorkspaceClient(
        new DatabricksConfig().setHost(s.url()).setToken(token).setAuthType("pat"));
  }

  @Test
  void the_unity_catalog_client_grants_reads_and_is_refused_with_403() throws Exception {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      s.user("alice", "bob");
      ApiClient root = uc(s, TestPrincipals.bearer("root", "admins"));
      new CatalogsApi(root).createCatalog(new CreateCatalog().name("ucg"));
      new SchemasApi(root).createSchema(new CreateSchema().catalogName("ucg").name("s"));
      GrantsApi grants = new GrantsApi(root);
      PermissionsList updated =
          grants.update(
              SecurableType.CATALOG,
              "ucg",
              new UpdatePermissions()
                  .changes(
                      List.of(
                          new PermissionsChange()
                              .principal("alice")
                              .add(List.of(Privilege.USE_CATALOG, Privilege.CREATE_SCHEMA)))));
      assertThat(updated.getPrivilegeAssignments())
          .containsExactly(
              new PrivilegeAssignment()
                  .principal("alice")
                  .privileges(List.of(Privilege.CREATE_SCHEMA, Privilege.USE_CATALOG)));
      PermissionsList read = grants.get(SecurableType.CATALOG, "ucg", "alice");
      assertThat(read.getPrivilegeAssignments()).hasSize(1);

      // alice may now create a schema with the same client; bob may not
      new SchemasApi(uc(s, TestPrincipals.bearer("alice")))
          .createSchema(new CreateSchema().catalogName("ucg").name("alices"));
      assertThatThrownBy(
              () ->
                  new SchemasApi(uc(s, TestPrincipals.bearer("bob")))
                      .createSchema(new CreateSchema().catalogName("ucg").name("bobs")))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void the_databricks_sdk_grants_reads_effective_permissions_and_sees_permission_denied() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      s.user("ann", "sam").group("analysts");
      WorkspaceClient root = sdk(s, "as:root:admins");
      root.catalogs().create(new com.databricks.sdk.service.catalog.CreateCatalog().setName("dbg"));
      root.schemas()
          .create(
              new com.databricks.sdk.service.catalog.CreateSchema()
                  .setName("s")
                  .setCatalogName("dbg"));
      root.grants()
          .update(
              new com.databricks.sdk.service.catalog.UpdatePermissions()
                  .setSecurableType("catalog")
                  .setFullName("dbg")
                  .setChanges(
                      List.of(
                          new com.databricks.sdk.service.catalog.PermissionsChange()
                              .setPrincipal("analysts")
                              .setAdd(
                                  List.of(
                                      com.databricks.sdk.service.catalog.Privilege.USE_CATALOG,
                                      com.databricks.sdk.service.catalog.Privilege.USE_SCHEMA)))));
      GetPermissionsResponse got = root.grants().get("catalog", "dbg");
      assertThat(got.getPrivilegeAssignments()).hasSize(1);
      assertThat(got.getPrivilegeAssignments().iterator().next().getPrivileges())
          .containsExactlyInAnyOrder(
              com.databricks.sdk.service.catalog.Privilege.USE_CATALOG,
              com.databricks.sdk.service.catalog.Privilege.USE_SCHEMA);

      EffectivePermissionsList eff = root.grants().getEffective("schema", "dbg.s");
      EffectivePrivilege p =
          eff.getPrivilegeAssignments().iterator().next().getPrivileges().iterator().next();
      assertThat(p.getPrivilege())
          .isEqualTo(com.databricks.sdk.service.catalog.Privilege.USE_SCHEMA);
      assertThat(p.getInheritedFromType())
          .isEqualTo(com.databricks.sdk.service.catalog.SecurableType.CATALOG);
      assertThat(p.getInheritedFromName()).isEqualTo("dbg");

      // a member of analysts reads the schema; a stranger sees PermissionDenied
      assertThat(sdk(s, "as:ann:analysts").schemas().get("dbg.s").getOwner()).isEqualTo("root");
      assertThatThrownBy(() -> sdk(s, "as:sam").schemas().get("dbg.s"))
          .isInstanceOf(PermissionDenied.class)
          .hasMessageContaining("USE CATALOG on CATALOG dbg");
    }
  }
}
