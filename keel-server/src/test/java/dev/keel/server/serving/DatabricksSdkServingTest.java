package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.XGB_ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.serving.AiGatewayInferenceTableConfig;
import com.databricks.sdk.service.serving.AutoCaptureConfigInput;
import com.databricks.sdk.service.serving.CreateServingEndpoint;
import com.databricks.sdk.service.serving.EndpointCoreConfigInput;
import com.databricks.sdk.service.serving.EndpointStateConfigUpdate;
import com.databricks.sdk.service.serving.EndpointStateReady;
import com.databricks.sdk.service.serving.PutAiGatewayRequest;
import com.databricks.sdk.service.serving.PutAiGatewayResponse;
import com.databricks.sdk.service.serving.QueryEndpointInput;
import com.databricks.sdk.service.serving.QueryEndpointResponse;
import com.databricks.sdk.service.serving.Route;
import com.databricks.sdk.service.serving.ServedEntityInput;
import com.databricks.sdk.service.serving.ServingEndpointDetailed;
import com.databricks.sdk.service.serving.TrafficConfig;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks SDK for Java against Keel: create an endpoint, wait for READY, query it, move
 * traffic to 90/10 between two versions, turn the inference table on (PutAiGateway) and off (legacy
 * auto_capture_config), delete it.
 */
class DatabricksSdkServingTest {
  @TempDir Path dir;

  @Test
  void create_wait_query_split_delete() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      long v1 = version(s, "sdkmodel", true);
      long v2 = version(s, "sdkmodel", false);
      WorkspaceClient w =
          new WorkspaceClient(
              new DatabricksConfig()
                  .setHost(s.url())
                  .setToken("dapi-keel-test")
                  .setAuthType("pat"));

      ServingEndpointDetailed created =
          w.servingEndpoints()
              .create(
                  new CreateServingEndpoint()
                      .setName("sdk-ep")
                      .setConfig(
                          new EndpointCoreConfigInput()
                              .setServedEntities(
                                  List.of(
                                      new ServedEntityInput()
                                          .setName("champion")
                                          .setEntityName("main.default.sdkmodel")
                                          .setEntityVersion(Long.toString(v1))
                                          .setScaleToZeroEnabled(true)))))
              .get(Duration.ofMinutes(2));
      assertThat(created.getState().getReady()).isEqualTo(EndpointStateReady.READY);
      assertThat(created.getState().getConfigUpdate())
          .isEqualTo(EndpointStateConfigUpdate.NOT_UPDATING);

      PutAiGatewayResponse gw =
          w.servingEndpoints()
              .putAiGateway(
                  new PutAiGatewayRequest()
                      .setName("sdk-ep")
                      .setInferenceTableConfig(
                          new AiGatewayInferenceTableConfig()
                              .setCatalogName("main")
                              .setSchemaName("default")
                              .setTableNamePrefix("sdk_ep")
                              .setEnabled(true)));
      assertThat(gw.getInferenceTableConfig().getTableNamePrefix()).isEqualTo("sdk_ep");
      assertThat(
              w.servingEndpoints()
                  .get("sdk-ep")
                  .getAiGateway()
                  .getInferenceTableConfig()
                  .getEnabled())
          .isTrue();

      QueryEndpointResponse q = w.servingEndpoints().query(query());
      assertThat(q.getServedModelName()).isEqualTo("champion");
      assertThat(((Number) q.getPredictions().iterator().next()).doubleValue())
          .isCloseTo(XGB_ONE_ROW, within(1e-6));

      ServingEndpointDetailed updated =
          w.servingEndpoints()
              .updateConfig(
                  new EndpointCoreConfigInput()
                      .setName("sdk-ep")
                      .setAutoCaptureConfig(new AutoCaptureConfigInput().setEnabled(false))
                      .setServedEntities(
                          List.of(
                              new ServedEntityInput()
                                  .setName("champion")
                                  .setEntityName("main.default.sdkmodel")
                                  .setEntityVersion(Long.toString(v1)),
                              new ServedEntityInput()
                                  .setName("challenger")
                                  .setEntityName("main.default.sdkmodel")
                                  .setEntityVersion(Long.toString(v2))))
                      .setTrafficConfig(
                          new TrafficConfig()
                              .setRoutes(
                                  List.of(
                                      new Route()
                                          .setServedModelName("champion")
                                          .setTrafficPercentage(90L),
                                      new Route()
                                          .setServedModelName("challenger")
                                          .setTrafficPercentage(10L)))))
              .get(Duration.ofMinutes(2));
      assertThat(updated.getConfig().getConfigVersion()).isEqualTo(2L);
      assertThat(updated.getConfig().getServedEntities()).hasSize(2);
      assertThat(updated.getState().getReady()).isEqualTo(EndpointStateReady.READY);
      assertThat(updated.getAiGateway().getInferenceTableConfig().getEnabled())
          .as("legacy auto_capture_config {enabled: false} turned the table off")
          .isFalse();

      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        counts.merge(w.servingEndpoints().query(query()).getServedModelName(), 1, Integer::sum);
      }
      assertThat(counts.keySet()).containsExactlyInAnyOrder("champion", "challenger");
      assertThat(counts.get("champion")).isGreaterThan(counts.get("challenger"));

      assertThat(w.servingEndpoints().list()).extracting(e -> e.getName()).contains("sdk-ep");
      w.servingEndpoints().delete("sdk-ep");
      assertThatThrownBy(() -> w.servingEndpoints().get("sdk-ep"))
          .hasMessageContaining("does not exist");
    }
  }

  private static QueryEndpointInput query() {
    return new QueryEndpointInput()
        .setName("sdk-ep")
        .setDataframeRecords(
            List.of(Map.of("f0", 0.0342, "f1", 1.3597, "f2", 1.2247, "f3", -0.5103)));
  }
}
