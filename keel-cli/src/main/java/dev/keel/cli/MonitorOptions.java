package dev.keel.cli;

import dev.keel.client.MonitorLabelJoin;
import dev.keel.client.MonitorProfile;
import dev.keel.client.MonitorSchedule;
import dev.keel.client.MonitorSettings;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The flags of {@code keel monitors create} and {@code update} that make a monitor's settings. On
 * create they are the whole settings; on update each flag given replaces that field of the
 * monitor's current settings and the rest stay.
 */
final class MonitorOptions {
  @Option(
      names = "--output-schema",
      paramLabel = "CATALOG.SCHEMA",
      description = "Where the _profile_metrics and _drift_metrics tables go.")
  String outputSchema;

  @Option(names = "--snapshot", description = "Profile the whole table at each refresh.")
  boolean snapshot;

  @Option(
      names = "--time-series",
      paramLabel = "TIMESTAMP_COL",
      description = "Profile windows of this timestamp column (with --granularity).")
  String timeSeries;

  @Option(
      names = "--inference-log",
      description =
          "Profile a model's predictions and quality (with --problem-type, --timestamp-col,"
              + " --prediction-col, --model-id-col).")
  boolean inferenceLog;

  @Option(
      names = "--granularity",
      paramLabel = "WINDOW",
      description =
          "A window length: 5 minutes, 30 minutes, 1 hour, 1 day, 1-4 weeks, 1 month, 1 year"
              + " (repeatable; default 1 day).")
  List<String> granularities;

  @Option(
      names = "--problem-type",
      paramLabel = "TYPE",
      description = "classification or regression.")
  String problemType;

  @Option(names = "--timestamp-col", paramLabel = "COL", description = "Inference log: time.")
  String timestampCol;

  @Option(names = "--prediction-col", paramLabel = "COL", description = "Inference log: output.")
  String predictionCol;

  @Option(
      names = "--model-id-col",
      paramLabel = "COL",
      description = "Inference log: the model (version) of each row.")
  String modelIdCol;

  @Option(names = "--label-col", paramLabel = "COL", description = "Inference log: the label.")
  String labelCol;

  @Option(
      names = "--prediction-proba-col",
      paramLabel = "COL",
      description = "Inference log: the predicted probability.")
  String predictionProbaCol;

  @Option(
      names = "--baseline",
      paramLabel = "TABLE",
      description = "A table to compare every window with.")
  String baseline;

  @Option(names = "--no-baseline", description = "update: remove the baseline table.")
  boolean noBaseline;

  @Option(
      names = "--slice",
      paramLabel = "EXPR",
      description = "A slicing expression, e.g. country or 'age > 40' (repeatable).")
  List<String> slices;

  @Option(
      names = "--schedule",
      paramLabel = "CRON",
      description = "Refresh on this Quartz cron expression, e.g. '0 0 6 * * ?'.")
  String schedule;

  @Option(
      names = "--timezone",
      paramLabel = "ZONE",
      description = "The schedule's time zone (default: UTC).")
  String timezone;

  @Option(names = "--no-schedule", description = "update: refresh only when asked.")
  boolean noSchedule;

  @Option(
      names = "--label-table",
      paramLabel = "TABLE",
      description = "Inference log: join labels that arrive later from this table.")
  String labelTable;

  @Option(
      names = "--label-key",
      paramLabel = "COL",
      description = "The column the label table shares with the monitored table.")
  String labelKey;

  @Option(names = "--no-label-join", description = "update: stop joining a label table.")
  boolean noLabelJoin;

  @Option(
      names = "--refresh-on-data-change",
      negatable = true,
      description = "Refresh after every commit of the table.")
  Boolean refreshOnDataChange;

  /** Whether any settings flag was given (they cannot be mixed with a --json body). */
  boolean any() {
    return outputSchema != null
        || snapshot
        || timeSeries != null
        || inferenceLog
        || granularities != null
        || inferenceFlags()
        || baseline != null
        || noBaseline
        || slices != null
        || schedule != null
        || timezone != null
        || noSchedule
        || labelTable != null
        || labelKey != null
        || noLabelJoin
        || refreshOnDataChange != null;
  }

  private boolean inferenceFlags() {
    return problemType != null
        || timestampCol != null
        || predictionCol != null
        || modelIdCol != null
        || labelCol != null
        || predictionProbaCol != null;
  }

  /** The settings of a new monitor. */
  MonitorSettings create() {
    if (outputSchema == null) {
      throw new IllegalArgumentException("--output-schema is required");
    }
    if (noBaseline || noSchedule || noLabelJoin) {
      throw new IllegalArgumentException(
          "--no-baseline, --no-schedule and --no-label-join are for update");
    }
    return apply(MonitorSettings.builder(outputSchema, profile(Optional.empty())).build());
  }

  /** {@code current} with every given flag applied. */
  MonitorSettings update(MonitorSettings current) {
    MonitorSettings s = current;
    if (outputSchema != null) {
      s = s.toBuilder().outputSchemaName(outputSchema).build();
    }
    return apply(s.toBuilder().profile(profile(Optional.of(current.profile()))).build());
  }

  private MonitorSettings apply(MonitorSettings s) {
    MonitorSettings.Builder b = s.toBuilder();
    exclusive(baseline != null, noBaseline, "--baseline", "--no-baseline");
    exclusive(schedule != null, noSchedule, "--schedule", "--no-schedule");
    exclusive(labelTable != null, noLabelJoin, "--label-table", "--no-label-join");
    if (baseline != null || noBaseline) {
      b.baselineTableName(Optional.ofNullable(baseline));
    }
    if (slices != null) {
      b.slicingExprs(slices);
    }
    if (schedule != null) {
      b.schedule(Optional.of(MonitorSchedule.of(schedule, timezone == null ? "UTC" : timezone)));
    } else if (noSchedule) {
      b.schedule(Optional.empty());
    } else if (timezone != null) {
      MonitorSchedule old =
          s.schedule()
              .orElseThrow(() -> new IllegalArgumentException("--timezone needs --schedule"));
      b.schedule(
          Optional.of(
              new MonitorSchedule(old.quartzCronExpression(), timezone, old.pauseStatus())));
    }
    if (labelTable != null) {
      b.labelJoin(
          Optional.of(
              new MonitorLabelJoin(labelTable, labelKey == null ? "prediction_id" : labelKey)));
    } else if (noLabelJoin) {
      b.labelJoin(Optional.empty());
    } else if (labelKey != null) {
      MonitorLabelJoin old =
          s.labelJoin()
              .orElseThrow(() -> new IllegalArgumentException("--label-key needs --label-table"));
      b.labelJoin(Optional.of(new MonitorLabelJoin(old.tableName(), labelKey)));
    }
    if (refreshOnDataChange != null) {
      b.refreshOnDataChange(refreshOnDataChange);
    }
    return b.build();
  }

  private static void exclusive(boolean a, boolean b, String aName, String bName) {
    if (a && b) {
      throw new IllegalArgumentException(aName + " and " + bName + " cannot be combined");
    }
  }

  /**
   * The profile the flags describe: a new one when a profile flag is given, else {@code current}
   * with its fields changed by the flags.
   */
  private MonitorProfile profile(Optional<MonitorProfile> current) {
    int kinds = (snapshot ? 1 : 0) + (timeSeries != null ? 1 : 0) + (inferenceLog ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException(
          "give one of --snapshot, --time-series and --inference-log");
    }
    MonitorProfile base = current.orElse(null);
    if (base == null && kinds == 0) {
      throw new IllegalArgumentException(
          "give one of --snapshot, --time-series TIMESTAMP_COL and --inference-log");
    }
    if (snapshot || (kinds == 0 && base instanceof MonitorProfile.Snapshot)) {
      if (granularities != null || inferenceFlags()) {
        throw new IllegalArgumentException(
            "a snapshot monitor takes no --granularity or inference log columns");
      }
      return new MonitorProfile.Snapshot();
    }
    if (timeSeries != null || (kinds == 0 && base instanceof MonitorProfile.TimeSeries)) {
      if (inferenceFlags()) {
        throw new IllegalArgumentException(
            "a time series monitor takes no inference log columns (--problem-type, ...)");
      }
      MonitorProfile.TimeSeries old =
          base instanceof MonitorProfile.TimeSeries t
              ? t
              : new MonitorProfile.TimeSeries("", List.of());
      return new MonitorProfile.TimeSeries(
          timeSeries != null ? timeSeries : old.timestampCol(), windows(old.granularities()));
    }
    MonitorProfile.InferenceLog old = base instanceof MonitorProfile.InferenceLog i ? i : null;
    return new MonitorProfile.InferenceLog(
        problemType != null
            ? MonitorProfile.ProblemType.parse(problemType)
            : required(old == null ? null : old.problemType(), "--problem-type"),
        or(timestampCol, old == null ? null : old.timestampCol(), "--timestamp-col"),
        windows(old == null ? List.of() : old.granularities()),
        or(predictionCol, old == null ? null : old.predictionCol(), "--prediction-col"),
        or(modelIdCol, old == null ? null : old.modelIdCol(), "--model-id-col"),
        labelCol != null ? Optional.of(labelCol) : old == null ? Optional.empty() : old.labelCol(),
        predictionProbaCol != null
            ? Optional.of(predictionProbaCol)
            : old == null ? Optional.empty() : old.predictionProbaCol());
  }

  private List<String> windows(List<String> old) {
    if (granularities != null) {
      return granularities;
    }
    return old.isEmpty() ? List.of("1 day") : old;
  }

  private static String or(String given, String old, String flag) {
    return given != null ? given : required(old, flag);
  }

  private static <T> T required(T v, String flag) {
    if (v == null) {
      throw new IllegalArgumentException("an inference log monitor needs " + flag);
    }
    return v;
  }
}
