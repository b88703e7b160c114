package dev.keel.monitoring.engine;

import static dev.keel.monitoring.engine.EngineFixture.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.monitoring.MonitorSpec;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine reads several columns of one kind in one scan: each column's rows must be the ones it
 * gets when it is read alone, and the output keeps the table's column order.
 */
class ColumnPassesTest {
  @TempDir Path dir;

  /** Column name, type and SQL over $i (the row number), with NULLs, NaN, '' and ties. */
  static final List<Object[]> COLUMNS =
      List.of(
          new Object[] {
            "n0", ColumnType.DOUBLE, "CASE WHEN $i % 7 = 0 THEN NULL ELSE ($i % 13) / 4.0 END"
          },
          new Object[] {
            "s0", ColumnType.STRING, "CASE WHEN $i % 5 = 0 THEN NULL ELSE 'a' || ($i % 3) END"
          },
          new Object[] {
            "b0", ColumnType.BOOLEAN, "CASE WHEN $i % 11 = 0 THEN NULL ELSE $i % 3 = 0 END"
          },
          new Object[] {
            "n1", ColumnType.LONG, "CASE WHEN $i % 3 = 0 THEN NULL ELSE ($i * 7) % 10 END"
          },
          new Object[] {
            "n2",
            ColumnType.DOUBLE,
            "CASE WHEN $i % 9 = 0 THEN 'NaN'::DOUBLE ELSE $i * 1.5 - 20 END"
          },
          new Object[] {
            "s1", ColumnType.STRING, "CASE WHEN $i % 4 = 0 THEN '' ELSE 'x' || ($i % 2) END"
          },
          new Object[] {
            "d0",
            ColumnType.DATE,
            "CASE WHEN $i % 6 = 0 THEN NULL ELSE DATE '2026-01-01' + CAST($i % 4 AS INTEGER) END"
          },
          new Object[] {"s2", ColumnType.STRING, "CASE WHEN $i < 40 THEN NULL ELSE 'late' END"},
          new Object[] {"s3", ColumnType.STRING, "'v' || ($i % 17)"},
          new Object[] {"n3", ColumnType.INT, "CAST($i % 5 AS INTEGER)"},
          new Object[] {"s4", ColumnType.STRING, "CASE WHEN $i % 2 = 0 THEN 'even' END"},
          new Object[] {"d1", ColumnType.DATE, "DATE '2026-02-01'"});

  @Test
  void columns_read_together_get_the_rows_they_get_alone_in_table_order() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<String> names = new ArrayList<>();
    for (Object[] c : COLUMNS) {
      names.add((String) c[0]);
    }
    DuckDbMetricsEngine.Computed wide = run(f, names);

    Set<String> order = new LinkedHashSet<>();
    for (Map<String, Object> r : wide.profileRows()) {
      order.add((String) r.get("column_name"));
    }
    List<String> expected = new ArrayList<>();
    expected.add(MetricsSchema.TABLE);
    expected.add("ts");
    expected.addAll(names);
    assertThat(order).containsExactlyElementsOf(expected);

    for (String name : names) {
      DuckDbMetricsEngine.Computed alone = run(f, List.of(name));
      assertThat(EngineFixture.rows(wide.profileRows(), "column_name", name))
          .as("profile rows of %s", name)
          .isNotEmpty()
          .containsExactlyElementsOf(EngineFixture.rows(alone.profileRows(), "column_name", name));
      assertThat(EngineFixture.rows(wide.driftRows(), "column_name", name))
          .as("drift rows of %s", name)
          .isNotEmpty()
          .containsExactlyElementsOf(EngineFixture.rows(alone.driftRows(), "column_name", name));
    }
  }

  /** A daily time series over {@code names} (2 days of 60 rows) with a 50-row baseline. */
  private static DuckDbMetricsEngine.Computed run(EngineFixture f, List<String> names)
      throws Exception {
    List<Column> cols = new ArrayList<>();
    cols.add(col("ts", ColumnType.TIMESTAMP));
    StringBuilder sel = new StringBuilder();
    StringBuilder base = new StringBuilder();
    for (Object[] c : COLUMNS) {
      if (names.contains((String) c[0])) {
        cols.add(col((String) c[0], (ColumnType) c[1]));
        sel.append(", ").append(((String) c[2]).replace("$i", "i")).append(" AS ").append(c[0]);
        base.append(", ")
            .append(((String) c[2]).replace("$i", "(i * 3 + 1)"))
            .append(" AS ")
            .append(c[0]);
      }
    }
    Path data =
        f.file(
            "SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(CAST(i * 1440000000 AS"
                + " BIGINT)) AS ts"
                + sel
                + " FROM range(120) t(i)");
    Path baseline =
        f.file("SELECT TIMESTAMPTZ '2025-12-01 00:00:00+00' AS ts" + base + " FROM range(50) t(i)");
    MonitorSpec spec = EngineFixture.timeSeries("ts", List.of(), "1 day");
    spec =
        new MonitorSpec(
            spec.tableName(),
            spec.outputSchemaName(),
            spec.assetsDir(),
            spec.profile(),
            Optional.of("main.default.b"),
            spec.slicingExprs(),
            spec.customMetrics(),
            spec.schedule(),
            spec.labels(),
            spec.refreshOnDataChange());
    return f.run(
        EngineFixture.input(
            spec,
            EngineFixture.table("t", 1, cols, List.of(data)),
            Optional.of(EngineFixture.table("b", 1, cols, List.of(baseline)))));
  }
}
