package dev.keel.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.server.TestServer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/** Tables monitors are tested on, made through the HTTP API. */
final class MonitorFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MonitorFixtures() {}

  /** A sales table: ts TIMESTAMP, region STRING, amount DOUBLE, items LONG. */
  static void salesTable(TestServer s, String fullName) {
    String[] p = fullName.split("\\.");
    TestServer.Response r =
        s.post(
            "/api/2.1/unity-catalog/tables",
            """
            {"name": "%s", "catalog_name": "%s", "schema_name": "%s",
             "columns": [
               {"name": "ts", "type_name": "TIMESTAMP", "position": 0},
               {"name": "region", "type_name": "STRING", "position": 1},
               {"name": "amount", "type_name": "DOUBLE", "position": 2},
               {"name": "items", "type_name": "LONG", "position": 3}]}
            """
                .formatted(p[2], p[0], p[1]));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /**
   * Appends {@code perDay} rows for each of {@code days} days from {@code firstDay}: amounts around
   * 100 + {@code shift}, regions eu/us (and "apac" when shifted), a fixed seed.
   */
  static void salesRows(
      TestServer s, String fullName, String firstDay, int days, int perDay, double shift) {
    Random rnd = new Random(fullName.hashCode() * 31L + firstDay.hashCode() + (long) shift);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode rows = body.putArray("rows");
    LocalDate d0 = LocalDate.parse(firstDay);
    for (int d = 0; d < days; d++) {
      long start = d0.plusDays(d).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      for (int i = 0; i < perDay; i++) {
        ObjectNode row = rows.addObject();
        row.put("ts", java.time.Instant.ofEpochSecond(start + (i * 86_399L) / perDay).toString());
        row.put("region", shift > 0 && i % 3 == 0 ? "apac" : (i % 2 == 0 ? "eu" : "us"));
        row.put("amount", 100 + shift + rnd.nextGaussian() * 10);
        if (i % 10 == 7) {
          row.putNull("items");
        } else {
          row.put("items", 1 + rnd.nextInt(5));
        }
      }
    }
    TestServer.Response r = s.post("/api/2.0/keel/tables/" + fullName + "/rows", body.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
