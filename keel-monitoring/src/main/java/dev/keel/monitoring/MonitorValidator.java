package dev.keel.monitoring;

import dev.keel.core.KeelException;
import dev.keel.monitoring.quality.QualityMetrics;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a monitor's columns against its tables' schemas: every named column exists with a usable
 * type, and the baseline has the monitored table's columns. SQL (slices, custom metrics) is checked
 * by the engine.
 */
final class MonitorValidator {
  private static final Set<ColumnType.Kind> TIME =
      EnumSet.of(ColumnType.Kind.TIMESTAMP, ColumnType.Kind.DATE);
  private static final Set<ColumnType.Kind> NUMERIC =
      EnumSet.of(
          ColumnType.Kind.INT,
          ColumnType.Kind.LONG,
          ColumnType.Kind.FLOAT,
          ColumnType.Kind.DOUBLE,
          ColumnType.Kind.DECIMAL);
  private static final Set<ColumnType.Kind> LABEL =
      EnumSet.of(
          ColumnType.Kind.INT,
          ColumnType.Kind.LONG,
          ColumnType.Kind.FLOAT,
          ColumnType.Kind.DOUBLE,
          ColumnType.Kind.DECIMAL,
          ColumnType.Kind.STRING,
          ColumnType.Kind.BOOLEAN);

  private MonitorValidator() {}

  static void check(
      MonitorSpec spec,
      List<Column> table,
      Optional<List<Column>> baseline,
      Optional<List<Column>> labels) {
    Map<String, Column> cols = byName(table);
    switch (spec.profile()) {
      case ProfileType.Snapshot s -> {}
      case ProfileType.TimeSeries ts ->
          typed(cols, "time_series.timestamp_col", ts.timestampCol(), TIME, "TIMESTAMP or DATE");
      case ProfileType.InferenceLog il -> {
        typed(cols, "inference_log.timestamp_col", il.timestampCol(), TIME, "TIMESTAMP or DATE");
        boolean regression = il.problemType() == ProfileType.ProblemType.PROBLEM_TYPE_REGRESSION;
        typed(
            cols,
            "inference_log.prediction_col",
            il.predictionCol(),
            regression ? NUMERIC : LABEL,
            regression ? "numeric (regression)" : "a number, string or boolean");
        typed(cols, "inference_log.model_id_col", il.modelIdCol(), LABEL, "a number or string");
        il.predictionProbaCol()
            .ifPresent(
                p -> {
                  exists(cols, "inference_log.prediction_proba_col", p);
                  QualityMetrics.validateProba(cols.get(p));
                });
        if (il.labelCol().isPresent()) {
          String label = il.labelCol().get();
          if (spec.labels().isPresent()) {
            LabelJoin lj = spec.labels().get();
            Map<String, Column> lcols = byName(labels.orElseThrow());
            typed(
                lcols,
                "inference_log.label_col",
                label,
                regression ? NUMERIC : LABEL,
                (regression ? "numeric" : "a number, string or boolean")
                    + " in label table "
                    + lj.tableName());
            exists(cols, "label_join.key_col", lj.keyCol());
            exists(lcols, "label_join.key_col", lj.keyCol());
            if (!sameKind(cols.get(lj.keyCol()).type(), lcols.get(lj.keyCol()).type())) {
              throw KeelException.invalid(
                  "label_join.key_col: '"
                      + lj.keyCol()
                      + "' is "
                      + cols.get(lj.keyCol()).type().typeText()
                      + " in the monitored table but "
                      + lcols.get(lj.keyCol()).type().typeText()
                      + " in "
                      + lj.tableName());
            }
          } else {
            typed(
                cols,
                "inference_log.label_col",
                label,
                regression ? NUMERIC : LABEL,
                regression ? "numeric (regression)" : "a number, string or boolean");
          }
        }
      }
    }
    baseline.ifPresent(b -> baselineMatches(spec, table, b));
  }

  /**
   * The baseline's columns must be monitored columns of the same type (the time column aside): a
   * baseline may leave columns out (they get no baseline drift, e.g. an inference log's request
   * ids), but not add or retype one, and it must share at least one.
   */
  private static void baselineMatches(MonitorSpec spec, List<Column> table, List<Column> baseline) {
    Map<String, Column> t = byName(table);
    String time =
        switch (spec.profile()) {
          case ProfileType.Snapshot s -> "";
          case ProfileType.TimeSeries ts -> ts.timestampCol();
          case ProfileType.InferenceLog il -> il.timestampCol();
        };
    List<String> extra = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    int shared = 0;
    for (Column bc : baseline) {
      if (bc.name().equals(time) || bc.name().startsWith("_")) {
        continue;
      }
      Column c = t.get(bc.name());
      if (c == null) {
        extra.add(bc.name());
      } else if (!sameKind(bc.type(), c.type())) {
        differ.add(
            bc.name() + " (" + bc.type().typeText() + ", monitored " + c.type().typeText() + ")");
      } else {
        shared++;
      }
    }
    if (!extra.isEmpty() || !differ.isEmpty() || shared == 0) {
      throw KeelException.invalid(
          "baseline_table_name: the baseline "
              + spec.baselineTableName().orElseThrow()
              + " does not match the monitored table's schema:"
              + (extra.isEmpty() ? "" : " columns the monitored table lacks " + extra)
              + (differ.isEmpty() ? "" : " columns of another type " + differ)
              + (shared == 0 && extra.isEmpty() && differ.isEmpty() ? " no column in common" : ""));
    }
  }

  private static boolean sameKind(ColumnType a, ColumnType b) {
    if (a.equals(b)) {
      return true;
    }
    // ints and longs (and floats and doubles) profile alike
    return NUMERIC.contains(a.kind()) && NUMERIC.contains(b.kind());
  }

  private static Map<String, Column> byName(List<Column> cols) {
    Map<String, Column> m = new LinkedHashMap<>();
    cols.forEach(c -> m.put(c.name(), c));
    return m;
  }

  private static void exists(Map<String, Column> cols, String field, String name) {
    if (!cols.containsKey(name)) {
      throw KeelException.invalid(
          field + ": column '" + name + "' does not exist; the columns are " + cols.keySet());
    }
  }

  private static void typed(
      Map<String, Column> cols,
      String field,
      String name,
      Set<ColumnType.Kind> kinds,
      String want) {
    exists(cols, field, name);
    ColumnType t = cols.get(name).type();
    if (!kinds.contains(t.kind())) {
      throw KeelException.invalid(
          field + ": column '" + name + "' is " + t.typeText() + "; it must be " + want);
    }
  }
}
