package dev.keel.catalog.audit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.http.Dialect;
import org.junit.jupiter.api.Test;

class AuditActionsTest {
  static String name(String method, String path, Dialect d) {
    return AuditActions.of(method, path, d).name();
  }

  @Test
  void mlflow_rpc_paths_are_named_by_their_operation() {
    assertThat(name("POST", "/api/2.0/mlflow/runs/log-batch", Dialect.MLFLOW))
        .isEqualTo("mlflow.runs.log-batch");
    assertThat(name("GET", "/api/2.0/mlflow/experiments/get-by-name", Dialect.MLFLOW))
        .isEqualTo("mlflow.experiments.get-by-name");
    assertThat(name("GET", "/ajax-api/2.0/mlflow/metrics/get-history", Dialect.MLFLOW))
        .isEqualTo("mlflow.metrics.get-history");
    assertThat(AuditActions.of("POST", "/api/2.0/mlflow/runs/log-batch", Dialect.MLFLOW).service())
        .isEqualTo("mlflow");
  }

  @Test
  void a_path_used_by_several_methods_gets_each_methods_verb() {
    String alias = "/api/2.0/mlflow/registered-models/alias";
    assertThat(name("GET", alias, Dialect.MLFLOW)).isEqualTo("mlflow.registered-models.alias.get");
    assertThat(name("POST", alias, Dialect.MLFLOW))
        .isEqualTo("mlflow.registered-models.alias.create");
    assertThat(name("DELETE", alias, Dialect.MLFLOW))
        .isEqualTo("mlflow.registered-models.alias.delete");
  }

  @Test
  void rest_paths_are_named_by_resource_and_method() {
    String uc = "/api/2.1/unity-catalog";
    assertThat(name("DELETE", uc + "/tables/{full_name}", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.tables.delete");
    assertThat(name("GET", uc + "/tables/{full_name}", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.tables.get");
    assertThat(name("GET", uc + "/catalogs", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.catalogs.list");
    assertThat(name("POST", uc + "/catalogs", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.catalogs.create");
    assertThat(name("PATCH", uc + "/catalogs/{name}", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.catalogs.update");
    assertThat(name("GET", uc + "/models/{full_name}/versions", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.models.versions.list");
    assertThat(name("PUT", uc + "/models/{full_name}/aliases/{alias}", Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.models.aliases.set");
    assertThat(
            name(
                "PATCH",
                uc + "/models/{full_name}/versions/{version}/finalize",
                Dialect.UNITY_CATALOG))
        .isEqualTo("unity-catalog.models.versions.finalize");
    assertThat(name("GET", "/api/2.0/keel/tables/{full_name}/history", Dialect.KEEL))
        .isEqualTo("keel.tables.history.get");
    assertThat(name("POST", "/api/2.0/keel/tables/{full_name}/optimize", Dialect.KEEL))
        .isEqualTo("keel.tables.optimize");
    assertThat(name("GET", "/api/2.0/mlflow-artifacts/artifacts/<path>", Dialect.MLFLOW))
        .isEqualTo("mlflow-artifacts.artifacts.get");
  }

  @Test
  void services_outside_api_and_scim_are_named_by_their_protocol() {
    assertThat(name("POST", "/serving-endpoints/{name}/invocations", Dialect.SCORING))
        .isEqualTo("serving-endpoints.invocations");
    assertThat(name("GET", "/api/2.0/serving-endpoints", Dialect.DATABRICKS))
        .isEqualTo("serving-endpoints.list");
    assertThat(name("PUT", "/api/2.0/serving-endpoints/{name}/config", Dialect.DATABRICKS))
        .isEqualTo("serving-endpoints.config.set");
    assertThat(name("POST", "/v2/models/{name}/infer", Dialect.OPEN_INFERENCE))
        .isEqualTo("open-inference.models.infer");
    assertThat(name("GET", "/api/2.0/preview/scim/v2/Users", Dialect.DATABRICKS))
        .isEqualTo("scim.users.list");
    assertThat(name("GET", "/api/2.0/preview/scim/v2/Users/{id}", Dialect.DATABRICKS))
        .isEqualTo("scim.users.get");
    assertThat(name("POST", "/api/2.0/token/create", Dialect.DATABRICKS)).isEqualTo("token.create");
    assertThat(name("GET", "/health", Dialect.KEEL)).isEqualTo("server.health.get");
  }
}
