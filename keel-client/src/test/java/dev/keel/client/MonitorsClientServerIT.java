package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * END-TO-END: {@link MonitorsClient} and {@link AlertsClient} against a real Keel server: a
 * snapshot monitor created, refreshed to SUCCESS, its refreshes listed, updated from its own
 * settings, an alert created, listed, patched and deleted, the monitor deleted.
 */
class MonitorsClientServerIT {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;
  static String table;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
    table = "main.default.sdk_mon_" + UUID.randomUUID().toString().substring(0, 8);
    client
        .tables()
        .create(
            NewTable.of(
                table, List.of(ColumnInfo.of("x", "DOUBLE"), ColumnInfo.of("c", "STRING"))));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(Map.of("x", i * 0.5, "c", i % 2 == 0 ? "a" : "b"));
    }
    client.tables().writeRows(table, WriteMode.APPEND, rows);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void a_snapshot_monitor_is_created_refreshed_updated_alerted_on_and_deleted() {
    MonitorInfo m =
        client
            .monitors()
            .create(
                table,
                MonitorSettings.builder("main.default", new MonitorProfile.Snapshot()).build());
    assertThat(m.tableName()).isEqualTo(table);
    assertThat(m.settings().profile()).isEqualTo(new MonitorProfile.Snapshot());
    assertThat(m.driftMetricsTableName()).endsWith("_drift_metrics");

    MonitorRefresh r = client.monitors().refreshAndWait(table, Duration.ofMinutes(5));
    assertThat(r.state()).as(r.message().orElse("")).isEqualTo("SUCCESS");
    assertThat(client.monitors().listRefreshes(table))
        .extracting(MonitorRefresh::refreshId)
        .contains(r.refreshId());
    assertThat(client.monitors().getRefresh(table, r.refreshId()).trigger()).isEqualTo("MANUAL");

    MonitorInfo updated =
        client
            .monitors()
            .update(table, m.settings().toBuilder().slicingExprs(List.of("c")).build());
    assertThat(updated.settings().slicingExprs()).containsExactly("c");
    assertThat(client.monitors().get(table).settings().slicingExprs()).containsExactly("c");

    Alert a =
        client
            .alerts()
            .create(
                AlertSpec.builder("x nulls", table, "percent_null", "GREATER_THAN", 10)
                    .columnName(Optional.of("x"))
                    .build());
    assertThat(a.spec().metric()).isEqualTo("percent_null");
    assertThat(client.alerts().stream(table)).extracting(Alert::alertId).contains(a.alertId());
    Alert patched = client.alerts().update(a.alertId(), KeelJson.object().put("threshold", 20.0));
    assertThat(patched.spec().threshold()).isEqualTo(20.0);
    assertThat(client.alerts().streamFirings(a.alertId())).isEmpty();
    client.alerts().delete(a.alertId());
    assertThatThrownBy(() -> client.alerts().get(a.alertId()))
        .isInstanceOf(KeelClientException.class)
        .matches(e -> ((KeelClientException) e).isNotFound());

    client.monitors().delete(table);
    assertThatThrownBy(() -> client.monitors().get(table))
        .isInstanceOf(KeelClientException.class)
        .matches(e -> ((KeelClientException) e).isNotFound());
  }
}
