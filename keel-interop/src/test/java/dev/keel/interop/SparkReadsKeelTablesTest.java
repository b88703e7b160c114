package dev.keel.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark 4 (local mode, Iceberg's Spark runtime with a JdbcCatalog on Keel's metadata database)
 * reads tables that a real Keel server wrote through its REST API: the same rows at the latest
 * snapshot and at an earlier one (time travel), including rows rewritten by an upsert and a
 * snapshot written by optimize.
 */
class SparkReadsKeelTablesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void spark_reads_what_keel_wrote_latest_and_time_travelled() throws Exception {
    Path data = dir.resolve("keel-data");
    long first;
    List<List<String>> keelLatest;
    List<List<String>> keelFirst;
    try (KeelProcess keel = KeelProcess.start(data)) {
      keel.send(
          "POST",
          "/api/2.1/unity-catalog/tables",
          """
          {"name": "trips", "catalog_name": "main", "schema_name": "default",
           "table_type": "MANAGED", "data_source_format": "ICEBERG",
           "columns": [{"name": "id", "type_name": "LONG"},
                       {"name": "city", "type_name": "STRING"},
                       {"name": "fare", "type_name": "DOUBLE"},
                       {"name": "at", "type_name": "TIMESTAMP"},
                       {"name": "day", "type_name": "DATE"}],
           "primary_keys": ["id"]}
          """);
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        rows.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"id\": %d, \"city\": \"c%d\", \"fare\": %.2f, \"at\": \"%s\", \"day\": \"2024-01-%02d\"}",
                    i,
                    i % 7,
                    i * 1.25,
                    Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i * 60L),
                    1 + i % 28));
      }
      JsonNode w =
          JSON.readTree(
              keel.send(
                  "POST",
                  "/api/2.0/keel/tables/main.default.trips/rows",
                  "{\"mode\": \"append\", \"rows\": [" + rows + "]}"));
      first = w.path("snapshot_id").asLong();
      keel.send(
          "POST",
          "/api/2.0/keel/tables/main.default.trips/rows",
          """
          {"mode": "upsert", "rows": [
            {"id": 5, "city": "moved", "fare": 99.5, "at": "2024-02-01T10:00:00+02:00", "day": "2024-02-01"},
            {"id": 1000, "city": "new", "fare": null, "at": null, "day": null}]}
          """);
      // optimize: the upsert left two files; Spark must read the one file that replaces them
      JsonNode o =
          JSON.readTree(
              keel.send("POST", "/api/2.0/keel/tables/main.default.trips/optimize", "{}"));
      assertThat(o.path("files_removed").asInt()).isEqualTo(2);
      assertThat(o.path("primary_key_unique").asBoolean()).isTrue();
      keelLatest = keelRows(keel, "");
      keelFirst = keelRows(keel, "&snapshot_id=" + first);
    }
    assertThat(keelLatest).hasSize(201);
    assertThat(keelFirst).hasSize(200);

    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("keel-interop")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            // Iceberg's vectorized Parquet reader allocates through its shaded Netty, which on
            // JDK 24+ cannot reach Unsafe and fails; the row reader reads the same files.
            .config("spark.sql.iceberg.vectorization.enabled", "false")
            .config("spark.sql.catalog.keel", "org.apache.iceberg.spark.SparkCatalog")
            .config("spark.sql.catalog.keel.type", "jdbc")
            .config("spark.sql.catalog.keel.uri", "jdbc:sqlite:" + data.resolve("keel.db"))
            .config("spark.sql.catalog.keel.jdbc.schema-version", "V1")
            .config("spark.sql.catalog.keel.warehouse", data.resolve("warehouse").toString())
            .getOrCreate();
    try {
      String q = "SELECT id, city, fare, at, day FROM keel.main.default.trips";
      assertThat(sparkRows(spark.sql(q + " ORDER BY id").collectAsList())).isEqualTo(keelLatest);
      assertThat(
              sparkRows(spark.sql(q + " VERSION AS OF " + first + " ORDER BY id").collectAsList()))
          .isEqualTo(keelFirst);
    } finally {
      spark.stop();
    }
  }

  @Test
  void spark_reads_nested_columns_that_keel_wrote() throws Exception {
    Path data = dir.resolve("keel-nested");
    try (KeelProcess keel = KeelProcess.start(data)) {
      keel.send(
          "POST",
          "/api/2.1/unity-catalog/tables",
          """
          {"name": "metrics", "catalog_name": "main", "schema_name": "default",
           "table_type": "MANAGED", "data_source_format": "ICEBERG",
           "columns": [{"name": "id", "type_name": "LONG"},
                       {"name": "window", "type_text": "struct<start:timestamp,end:timestamp>"},
                       {"name": "quantiles", "type_text": "array<double>"},
                       {"name": "frequent_items",
                        "type_text": "array<struct<item:string,count:bigint>>"},
                       {"name": "precision",
                        "type_text": "struct<one_vs_all:map<string,double>,macro:double>"}],
           "primary_keys": ["id"]}
          """);
      keel.send(
          "POST",
          "/api/2.0/keel/tables/main.default.metrics/rows",
          """
          {"mode": "append", "rows": [
            {"id": 1, "window": {"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z"},
             "quantiles": [0.1, 0.5, 0.9], "frequent_items": [{"item": "a", "count": 3}],
             "precision": {"one_vs_all": {"a": 0.25, "b": 0.75}, "macro": 0.5}},
            {"id": 2, "window": {"start": "2026-12-02T00:00:00Z", "end": null},
             "quantiles": [], "frequent_items": null, "precision": null}]}
          """);
      // an upsert rewrites the file holding id 2: the carried-over row keeps its nested values
      keel.send(
          "POST",
          "/api/2.0/keel/tables/main.default.metrics/rows",
          """
          {"mode": "upsert", "rows": [{"id": 2, "quantiles": [7.5],
            "frequent_items": [{"item": "z", "count": 1}, {"item": null, "count": 2}]}]}
          """);
    }
    SparkSession spark = spark(data);
    try {
      List<Row> rows =
          spark
              .sql(
                  "SELECT id, window.start, window.end, quantiles[0], size(quantiles),"
                      + " frequent_items[size(frequent_items) - 1].count,"
                      + " precision.one_vs_all['b'], precision.macro"
                      + " FROM keel.main.default.metrics ORDER BY id")
              .collectAsList();
      List<String> got = new ArrayList<>();
      for (Row r : rows) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
          Object v = r.get(i);
          row.add(v instanceof java.sql.Timestamp t ? t.toInstant().toString() : String.valueOf(v));
        }
        got.add(String.join("|", row));
      }
      assertThat(got)
          .containsExactly(
              "1|2026-12-01T00:00:00Z|2026-12-02T00:00:00Z|0.1|3|3|0.75|0.5",
              "2|null|null|7.5|1|2|null|null");
    } finally {
      spark.stop();
    }
  }

  private static SparkSession spark(Path data) {
    return SparkSession.builder()
        .master("local[1]")
        .appName("keel-interop")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.iceberg.vectorization.enabled", "false")
        .config("spark.sql.catalog.keel", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.keel.type", "jdbc")
        .config("spark.sql.catalog.keel.uri", "jdbc:sqlite:" + data.resolve("keel.db"))
        .config("spark.sql.catalog.keel.jdbc.schema-version", "V1")
        .config("spark.sql.catalog.keel.warehouse", data.resolve("warehouse").toString())
        .getOrCreate();
  }

  /** Keel's preview, ordered by id, every value as text (timestamps as instants). */
  private static List<List<String>> keelRows(KeelProcess keel, String ref) throws Exception {
    JsonNode p =
        JSON.readTree(
            keel.send(
                "GET",
                "/api/2.0/keel/tables/main.default.trips/preview?limit=1000&columns=id,city,fare,at,day"
                    + ref,
                null));
    List<List<String>> out = new ArrayList<>();
    for (JsonNode r : p.path("rows")) {
      List<String> row = new ArrayList<>();
      r.forEach(
          v ->
              row.add(
                  v.isNull() ? null : v.isNumber() ? Double.toString(v.asDouble()) : v.asText()));
      out.add(row);
    }
    out.sort((a, b) -> Double.compare(Double.parseDouble(a.get(0)), Double.parseDouble(b.get(0))));
    return out;
  }

  private static List<List<String>> sparkRows(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : rows) {
      List<String> row = new ArrayList<>();
      row.add(Double.toString(((Number) r.get(0)).doubleValue()));
      row.add(r.isNullAt(1) ? null : r.getString(1));
      row.add(r.isNullAt(2) ? null : Double.toString(r.getDouble(2)));
      row.add(r.isNullAt(3) ? null : ((java.sql.Timestamp) r.get(3)).toInstant().toString());
      row.add(r.isNullAt(4) ? null : r.get(4).toString());
      out.add(row);
    }
    return out;
  }
}
