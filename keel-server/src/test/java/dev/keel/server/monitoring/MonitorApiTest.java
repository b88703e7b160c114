package dev.keel.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor API over HTTP: bad input changes nothing, refreshes run, end and are canceled. */
class MonitorApiTest {
  static final String MON = "/api/2.1/unity-catalog/tables/%s/monitor";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    MonitorFixtures.salesTable(s, "main.default.orders");
    MonitorFixtures.salesRows(s, "main.default.orders", "2026-11-01", 2, 30, 0.0);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static TestServer.Response create(String table, String body) {
    return s.post(MON.formatted(table), body);
  }

  static void refused(String table, String body, int status, String message) {
    TestServer.Response r = create(table, body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().path("message").asText()).contains(message);
    assertThat(s.get(MON.formatted(table)).status()).as("nothing saved").isEqualTo(404);
  }

  static String timeSeries(String col, String granularity) {
    return "{\"output_schema_name\": \"main.default\", \"time_series\": {\"timestamp_col\": \""
        + col
        + "\", \"granularities\": [\""
        + granularity
        + "\"]}}";
  }

  @Test
  void bad_monitors_are_refused_with_the_field_and_nothing_is_saved() {
    refused("main.default.nope", timeSeries("ts", "1 day"), 404, "main.default.nope");
    refused("main.default.orders", timeSeries("when", "1 day"), 400, "time_series.timestamp_col");
    refused("main.default.orders", timeSeries("region", "1 day"), 400, "is string; it must be TIMESTAMP");
    refused("main.default.orders", timeSeries("ts", "1 fortnight"), 400, "unknown granularity");
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.default\", \"snapshot\": {},"
            + " \"time_series\": {\"timestamp_col\": \"ts\", \"granularities\": [\"1 day\"]}}",
        400,
        "exactly one profile type");
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.nowhere\", \"snapshot\": {}}",
        400,
        "output_schema_name");
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.default\", \"snapshot\": {},"
            + " \"inference_log\": null, \"slicing_exprs\": [\"no_such_column > 1\"]}",
        400,
        "slicing_exprs[0]");
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.default\", \"snapshot\": {}, \"custom_metrics\": [{"
            + "\"name\": \"m\", \"type\": \"CUSTOM_METRIC_TYPE_AGGREGATE\", \"input_columns\":"
            + " [\":table\"], \"definition\": \"avg(nope_col)\", \"output_data_type\":"
            + " \"{\\\"name\\\":\\\"m\\\",\\\"type\\\":\\\"double\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}\"}]}",
        400,
        "custom_metrics[0].definition");
    s.post(
        "/api/2.1/unity-catalog/tables",
        """
        {"name": "orders_base", "catalog_name": "main", "schema_name": "default",
         "columns": [{"name": "amount", "type_name": "STRING", "position": 0},
                     {"name": "colour", "type_name": "STRING", "position": 1}]}
        """);
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.default\", \"snapshot\": {},"
            + " \"baseline_table_name\": \"main.default.orders_base\"}",
        400,
        "[colour]");
    refused(
        "main.default.orders",
        "{\"output_schema_name\": \"main.default\", \"snapshot\": {},"
            + " \"schedule\": {\"quartz_cron_expression\": \"0 0 25 * * ?\", \"timezone_id\": \"UTC\"}}",
        400,
        "schedule.quartz_cron_expression");
  }

  @Test
  void a_snapshot_monitor_refreshes_and_an_ended_refresh_cannot_be_canceled() throws Exception {
    MonitorFixtures.salesTable(s, "main.default.snap");
    MonitorFixtures.salesRows(s, "main.default.snap", "2026-11-01", 1, 20, 0.0);
    TestServer.Response c =
        create("main.default.snap", "{\"output_schema_name\": \"main.default\", \"snapshot\": {}}");
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(
            create(
                    "main.default.snap",
                    "{\"output_schema_name\": \"main.default\", \"snapshot\": {}}")
                .status())
        .isEqualTo(409);
    // creating queued the first refresh, as Databricks does
    JsonNode first =
        s.get(MON.formatted("main.default.snap") + "/refreshes").json().path("refreshes").get(0);
    JsonNode done = awaitEnd("main.default.snap", first.path("refresh_id").asLong());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCESS");
    TestServer.Response cancel =
        s.post(
            MON.formatted("main.default.snap")
                + "/refreshes/"
                + first.path("refresh_id").asLong()
                + "/cancel",
            "");
    assertThat(cancel.status()).isEqualTo(400);
    assertThat(s.get(MON.formatted("main.default.snap") + "/refreshes/12345").status())
        .isEqualTo(404);
    assertThat(s.get(MON.formatted("main.default.snap") + "/refreshes/abc").status())
        .isEqualTo(400);
    JsonNode rows =
        s.get("/api/2.0/keel/tables/main.default.snap_profile_metrics/preview?limit=100").json();
    assertThat(rows.toString()).contains(":table").contains("amount");
  }

  @Test
  void a_monitor_refreshes_by_itself_when_its_table_changes() throws Exception {
    MonitorFixtures.salesTable(s, "main.default.live");
    MonitorFixtures.salesRows(s, "main.default.live", "2026-11-01", 1, 20, 0.0);
    TestServer.Response c =
        create(
            "main.default.live",
            "{\"output_schema_name\": \"main.default\", \"time_series\": {\"timestamp_col\": \"ts\","
                + " \"granularities\": [\"1 day\"]}, \"refresh_on_data_change\": true}");
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(c.json().path("refresh_on_data_change").asBoolean()).isTrue();
    long first =
        s.get(MON.formatted("main.default.live") + "/refreshes")
            .json()
            .at("/refreshes/0/refresh_id")
            .asLong();
    awaitEnd("main.default.live", first);
    MonitorFixtures.salesRows(s, "main.default.live", "2026-11-02", 1, 20, 0.0);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      JsonNode list =
          s.get(MON.formatted("main.default.live") + "/refreshes").json().path("refreshes");
      JsonNode newest = list.get(0);
      if (newest.path("trigger").asText().equals("DATA_CHANGE")
          && newest.path("state").asText().equals("SUCCESS")) {
        assertThat(newest.path("message").asText()).contains("1 windows computed");
        break;
      }
      assertThat(Instant.now()).as(list.toString()).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  static JsonNode awaitEnd(String table, long refreshId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (true) {
      JsonNode r = s.get(MON.formatted(table) + "/refreshes/" + refreshId).json();
      String state = r.path("state").asText();
      if (!state.equals("PENDING") && !state.equals("RUNNING")) {
        return r;
      }
      assertThat(Instant.now()).as(r.toString()).isBefore(deadline);
      Thread.sleep(100);
    }
  }
}
