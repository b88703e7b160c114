package dev.keel.monitoring.quality;

import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.util.Objects;

/**
 * One output-table column these metrics add: its name and its type as Spark DDL text (nested types
 * such as {@code struct<one_vs_all:map<string,double>,macro:double,weighted:double>} included).
 *
 * @param name the column name
 * @param typeText Spark/Databricks DDL type text
 */
public record MetricColumn(String name, String typeText) {
  public MetricColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(typeText, "typeText");
  }

  /** The Keel column ({@link ColumnType#parse}; nested types need keel-tables' nested types). */
  public Column toColumn() {
    return Column.of(name, ColumnType.parse(name, typeText));
  }
}
