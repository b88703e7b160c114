package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.ColumnInfo;
import dev.keel.client.NewTable;
import dev.keel.client.WriteMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * END-TO-END: {@code keel monitors ...} and {@code keel alerts ...} against a real server, on a
 * time series table: create, get, refresh with {@code --wait} to SUCCESS, list refreshes, update,
 * an alert created, listed, changed, its (empty) firings, deleted, and the monitor deleted.
 */
class MonitorsCliIT extends CliFixture {
  static String table;

  @BeforeAll
  static void timeSeriesTable() {
    table = "main.default.mon_" + UUID.randomUUID().toString().substring(0, 8);
    client
        .tables()
        .create(
            NewTable.of(
                table,
                List.of(
                    ColumnInfo.of("ts", "TIMESTAMP"),
                    ColumnInfo.of("age", "DOUBLE"),
                    ColumnInfo.of("country", "STRING"))));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(
          Map.of(
              "ts",
              String.format("2026-12-0%dT%02d:00:00Z", 1 + i / 20, i % 20),
              "age",
              20.0 + i,
              "country",
              i % 3 == 0 ? "FR" : "DE"));
    }
    client.tables().writeRows(table, WriteMode.APPEND, rows);
  }

  static Result ok(String... args) {
    Result r = keel(args);
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    return r;
  }

  @Test
  void a_monitor_is_created_refreshed_updated_alerted_on_and_deleted_from_the_command_line() {
    ok(
        "monitors",
        "create",
        table,
        "--output-schema",
        "main.default",
        "--time-series",
        "ts",
        "--granularity",
        "1 day");
    JsonNode m = ok("monitors", "get", table, "-o", "json").json();
    String shortName = table.substring(table.lastIndexOf('.') + 1);
    assertThat(m.path("profile_metrics_table_name").asText())
        .isEqualTo("main.default." + shortName + "_profile_metrics");
    assertThat(m.at("/time_series/granularities/0").asText()).isEqualTo("1 day");

    Result refreshed = ok("monitors", "refresh", table, "--wait", "--timeout", "300");
    assertThat(refreshed.out()).containsPattern("Refresh \\d+ of " + table + " ended SUCCESS");
    assertThat(ok("monitors", "refreshes", table).out()).containsPattern("SUCCESS\\s+MANUAL");
    assertThat(client.tables().count(m.path("profile_metrics_table_name").asText())).isPositive();

    ok("monitors", "update", table, "--slice", "country");
    assertThat(ok("monitors", "get", table).out()).containsPattern("Slices:\\s+country");

    JsonNode alert =
        ok(
                "alerts",
                "create",
                "--name",
                "too many nulls",
                "--table",
                table,
                "--metric",
                "percent_null",
                "--column",
                "age",
                "--op",
                "GREATER_THAN",
                "--threshold",
                "50",
                "-o",
                "json")
            .json();
    String id = alert.path("alert_id").asText();
    assertThat(ok("alerts", "list", "--table", table).out())
        .contains(id)
        .contains("percent_null(age) > 50");
    ok("alerts", "update", id, "--threshold", "60", "--for", "1", "--of", "2");
    assertThat(ok("alerts", "get", id).out())
        .containsPattern("Rule:\\s+percent_null\\(age\\) > 60 for 1 of 2");
    assertThat(ok("alerts", "firings", id).out()).contains("No firings.");
    ok("alerts", "delete", id);
    assertThat(keel("alerts", "get", id).exit()).isEqualTo(Main.EXIT_FAILURE);

    ok("monitors", "delete", table);
    Result gone = keel("monitors", "get", table);
    assertThat(gone.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(client.tables().count(m.path("profile_metrics_table_name").asText()))
        .as("deleting a monitor leaves its output tables")
        .isPositive();
  }

  @Test
  void a_monitor_on_a_missing_table_fails_with_the_servers_404() {
    Result r =
        keel(
            "monitors",
            "create",
            "main.default.no_such_table",
            "--output-schema",
            "main.default",
            "--snapshot");
    assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.err()).contains("no_such_table");
  }
}
