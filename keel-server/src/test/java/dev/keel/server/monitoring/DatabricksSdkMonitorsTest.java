package dev.keel.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.service.catalog.CreateMonitor;
import com.databricks.sdk.service.catalog.GetRefreshRequest;
import com.databricks.sdk.service.catalog.MonitorInfo;
import com.databricks.sdk.service.catalog.MonitorInfoStatus;
import com.databricks.sdk.service.catalog.MonitorRefreshInfo;
import com.databricks.sdk.service.catalog.MonitorRefreshInfoState;
import com.databricks.sdk.service.catalog.MonitorRefreshInfoTrigger;
import com.databricks.sdk.service.catalog.MonitorTimeSeries;
import com.databricks.sdk.service.catalog.RunRefreshRequest;
import com.databricks.sdk.service.catalog.UpdateMonitor;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks SDK for Java's {@code qualityMonitors()} drives Keel's monitors unchanged: create,
 * refresh and wait for SUCCESS, update, list refreshes, delete (the output tables stay).
 */
class DatabricksSdkMonitorsTest {
  @TempDir Path dir;

  @Test
  void create_refresh_update_list_refreshes_and_delete() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      MonitorFixtures.salesTable(s, "main.default.sales");
      MonitorFixtures.salesTable(s, "main.default.sales_baseline");
      MonitorFixtures.salesRows(s, "main.default.sales", "2026-11-01", 3, 40, 0.0);
      MonitorFixtures.salesRows(s, "main.default.sales_baseline", "2026-10-01", 1, 60, 0.0);
      WorkspaceClient w =
          new WorkspaceClient(
              new DatabricksConfig().setHost(s.url()).setToken("dapi-keel").setAuthType("pat"));

      MonitorInfo created =
          w.qualityMonitors()
              .create(
                  new CreateMonitor()
                      .setTableName("main.default.sales")
                      .setOutputSchemaName("main.default")
                      .setAssetsDir("/Workspace/Shared/sales")
                      .setBaselineTableName("main.default.sales_baseline")
                      .setTimeSeries(
                          new MonitorTimeSeries()
                              .setTimestampCol("ts")
                              .setGranularities(List.of("1 day"))));
      assertThat(created.getStatus()).isEqualTo(MonitorInfoStatus.MONITOR_STATUS_ACTIVE);
      assertThat(created.getMonitorVersion()).isEqualTo(1L);
      assertThat(created.getAssetsDir()).isEqualTo("/Workspace/Shared/sales");
      assertThat(created.getProfileMetricsTableName())
          .isEqualTo("main.default.sales_profile_metrics");
      assertThat(created.getDriftMetricsTableName()).isEqualTo("main.default.sales_drift_metrics");

      MonitorRefreshInfo run =
          w.qualityMonitors()
              .runRefresh(new RunRefreshRequest().setTableName("main.default.sales"));
      assertThat(run.getTrigger()).isEqualTo(MonitorRefreshInfoTrigger.MANUAL);
      MonitorRefreshInfo done = waitFor(w, "main.default.sales", run.getRefreshId());
      assertThat(done.getState()).as(done.getMessage()).isEqualTo(MonitorRefreshInfoState.SUCCESS);
      assertThat(done.getEndTimeMs()).isGreaterThanOrEqualTo(done.getStartTimeMs());
      assertThat(
              s.get("/api/2.0/keel/tables/main.default.sales_profile_metrics/count")
                  .json()
                  .path("count")
                  .asLong())
          .isPositive();

      MonitorInfo updated =
          w.qualityMonitors()
              .update(
                  new UpdateMonitor()
                      .setTableName("main.default.sales")
                      .setOutputSchemaName("main.default")
                      .setSlicingExprs(List.of("region"))
                      .setTimeSeries(
                          new MonitorTimeSeries()
                              .setTimestampCol("ts")
                              .setGranularities(List.of("1 day", "1 week"))));
      assertThat(updated.getMonitorVersion()).isEqualTo(2L);
      assertThat(updated.getSlicingExprs()).containsExactly("region");
      assertThat(updated.getBaselineTableName()).isNull(); // a full update: not given, gone
      assertThat(w.qualityMonitors().get("main.default.sales").getTimeSeries().getGranularities())
          .containsExactly("1 day", "1 week");

      MonitorRefreshInfo second =
          w.qualityMonitors()
              .runRefresh(new RunRefreshRequest().setTableName("main.default.sales"));
      assertThat(waitFor(w, "main.default.sales", second.getRefreshId()).getState())
          .isEqualTo(MonitorRefreshInfoState.SUCCESS);
      assertThat(w.qualityMonitors().listRefreshes("main.default.sales").getRefreshes())
          .extracting(MonitorRefreshInfo::getRefreshId)
          .contains(run.getRefreshId(), second.getRefreshId());

      w.qualityMonitors().delete("main.default.sales");
      assertThatThrownBy(() -> w.qualityMonitors().get("main.default.sales"))
          .isInstanceOf(DatabricksError.class)
          .satisfies(e -> assertThat(((DatabricksError) e).getStatusCode()).isEqualTo(404));
      // the output tables stay
      assertThat(s.get("/api/2.1/unity-catalog/tables/main.default.sales_drift_metrics").status())
          .isEqualTo(200);
    }
  }

  static MonitorRefreshInfo waitFor(WorkspaceClient w, String table, long refreshId)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      MonitorRefreshInfo r =
          w.qualityMonitors()
              .getRefresh(new GetRefreshRequest().setTableName(table).setRefreshId(refreshId));
      if (r.getState() != MonitorRefreshInfoState.PENDING
          && r.getState() != MonitorRefreshInfoState.RUNNING) {
        return r;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("refresh " + refreshId + " still " + r.getState());
      }
      Thread.sleep(100);
    }
  }
}
