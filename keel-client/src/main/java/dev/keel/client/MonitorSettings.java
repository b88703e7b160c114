package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a monitor watches and computes: the body of {@code POST} and {@code PUT .../monitor}
 * (Lakehouse Monitoring's {@code CreateMonitor}, legacy field names) plus Keel's {@code label_join}
 * and {@code refresh_on_data_change}.
 *
 * <pre>{@code
 * MonitorSettings s =
 *     MonitorSettings.builder(
 *             "main.monitoring", new MonitorProfile.TimeSeries("ts", List.of("1 day")))
 *         .baselineTableName(Optional.of("main.ml.churn_baseline"))
 *         .slicingExprs(List.of("country"))
 *         .build();
 * }</pre>
 *
 * @param outputSchemaName {@code catalog.schema} of the two output tables
 * @param assetsDir Databricks' dashboard folder: accepted and echoed
 * @param profile exactly one profile type
 * @param baselineTableName a table with the monitored table's columns to compare windows with
 * @param slicingExprs SQL expressions; each gives its own slices
 * @param customMetrics extra metrics
 * @param schedule when refreshes run by themselves
 * @param labelJoin Keel: where labels arriving later come from
 * @param refreshOnDataChange Keel: refresh after every commit of the monitored table
 */
public record MonitorSettings(
    String outputSchemaName,
    Optional<String> assetsDir,
    MonitorProfile profile,
    Optional<String> baselineTableName,
    List<String> slicingExprs,
    List<MonitorCustomMetric> customMetrics,
    Optional<MonitorSchedule> schedule,
    Optional<MonitorLabelJoin> labelJoin,
    boolean refreshOnDataChange) {

  /** Checks for nulls and copies the lists. */
  public MonitorSettings {
    Objects.requireNonNull(outputSchemaName, "outputSchemaName");
    Objects.requireNonNull(assetsDir, "assetsDir");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(baselineTableName, "baselineTableName");
    slicingExprs = List.copyOf(slicingExprs);
    customMetrics = List.copyOf(customMetrics);
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(labelJoin, "labelJoin");
  }

  /** A builder with the required fields; everything else empty or off. */
  public static Builder builder(String outputSchemaName, MonitorProfile profile) {
    return new Builder(outputSchemaName, profile);
  }

  /** A builder starting from these settings (e.g. to change one field of a monitor). */
  public Builder toBuilder() {
    Builder b = new Builder(outputSchemaName, profile);
    b.assetsDir = assetsDir;
    b.baselineTableName = baselineTableName;
    b.slicingExprs = slicingExprs;
    b.customMetrics = customMetrics;
    b.schedule = schedule;
    b.labelJoin = labelJoin;
    b.refreshOnDataChange = refreshOnDataChange;
    return b;
  }

  /** Builds {@link MonitorSettings}; every setter replaces the field's value. */
  public static final class Builder {
    private String outputSchemaName;
    private MonitorProfile profile;
    private Optional<String> assetsDir = Optional.empty();
    private Optional<String> baselineTableName = Optional.empty();
    private List<String> slicingExprs = List.of();
    private List<MonitorCustomMetric> customMetrics = List.of();
    private Optional<MonitorSchedule> schedule = Optional.empty();
    private Optional<MonitorLabelJoin> labelJoin = Optional.empty();
    private boolean refreshOnDataChange;

    private Builder(String outputSchemaName, MonitorProfile profile) {
      this.outputSchemaName = outputSchemaName;
      this.profile = profile;
    }

    /** {@code output_schema_name}. */
    public Builder outputSchemaName(String v) {
      outputSchemaName = v;
      return this;
    }

    /** The profile type. */
    public Builder profile(MonitorProfile v) {
      profile = v;
      return this;
    }

    /** {@code assets_dir}. */
    public Builder assetsDir(Optional<String> v) {
      assetsDir = v;
      return this;
    }

    /** {@code baseline_table_name}; empty for none. */
    public Builder baselineTableName(Optional<String> v) {
      baselineTableName = v;
      return this;
    }

    /** {@code slicing_exprs}. */
    public Builder slicingExprs(List<String> v) {
      slicingExprs = v;
      return this;
    }

    /** {@code custom_metrics}. */
    public Builder customMetrics(List<MonitorCustomMetric> v) {
      customMetrics = v;
      return this;
    }

    /** {@code schedule}; empty to refresh only when asked. */
    public Builder schedule(Optional<MonitorSchedule> v) {
      schedule = v;
      return this;
    }

    /** {@code label_join}; empty for none. */
    public Builder labelJoin(Optional<MonitorLabelJoin> v) {
      labelJoin = v;
      return this;
    }

    /** {@code refresh_on_data_change}. */
    public Builder refreshOnDataChange(boolean v) {
      refreshOnDataChange = v;
      return this;
    }

    /** The settings. */
    public MonitorSettings build() {
      return new MonitorSettings(
          outputSchemaName,
          assetsDir,
          profile,
          baselineTableName,
          slicingExprs,
          customMetrics,
          schedule,
          labelJoin,
          refreshOnDataChange);
    }
  }

  /** The request body of a create or full update. */
  public ObjectNode toJson() {
    ObjectNode o = KeelJson.object();
    o.put("output_schema_name", outputSchemaName);
    assetsDir.ifPresent(d -> o.put("assets_dir", d));
    o.set(profile.field(), profile.toJson());
    baselineTableName.ifPresent(t -> o.put("baseline_table_name", t));
    if (!slicingExprs.isEmpty()) {
      o.set("slicing_exprs", KeelClient.strings(slicingExprs));
    }
    if (!customMetrics.isEmpty()) {
      o.set("custom_metrics", KeelJson.list(customMetrics, MonitorCustomMetric::toJson));
    }
    schedule.ifPresent(s -> o.set("schedule", s.toJson()));
    labelJoin.ifPresent(j -> o.set("label_join", j.toJson()));
    if (refreshOnDataChange) {
      o.put("refresh_on_data_change", true);
    }
    return o;
  }

  /** The settings part of a {@code MonitorInfo} or request body; unknown fields are ignored. */
  static MonitorSettings from(JsonNode n) {
    List<MonitorCustomMetric> metrics = new ArrayList<>();
    for (JsonNode m : n.path("custom_metrics")) {
      metrics.add(
          new MonitorCustomMetric(
              KeelJson.text(m, "name"),
              KeelJson.text(m, "type"),
              Values.strings(m.path("input_columns")),
              KeelJson.text(m, "definition"),
              KeelJson.text(m, "output_data_type")));
    }
    JsonNode s = n.path("schedule");
    Optional<MonitorSchedule> schedule =
        s.isObject()
            ? Optional.of(
                new MonitorSchedule(
                    KeelJson.text(s, "quartz_cron_expression"),
                    KeelJson.text(s, "timezone_id"),
                    KeelJson.nonEmptyText(s, "pause_status").orElse("UNPAUSED")))
            : Optional.empty();
    JsonNode j = n.path("label_join");
    Optional<MonitorLabelJoin> join =
        j.isObject()
            ? Optional.of(
                new MonitorLabelJoin(KeelJson.text(j, "table_name"), KeelJson.text(j, "key_col")))
            : Optional.empty();
    return new MonitorSettings(
        KeelJson.text(n, "output_schema_name"),
        KeelJson.nonEmptyText(n, "assets_dir"),
        profile(n),
        KeelJson.nonEmptyText(n, "baseline_table_name"),
        Values.strings(n.path("slicing_exprs")),
        metrics,
        schedule,
        join,
        n.path("refresh_on_data_change").asBoolean(false));
  }

  /** The one profile object of {@code n}. */
  private static MonitorProfile profile(JsonNode n) {
    JsonNode p = n.path("inference_log");
    if (p.isObject()) {
      MonitorProfile.ProblemType type;
      try {
        type = MonitorProfile.ProblemType.parse(KeelJson.text(p, "problem_type"));
      } catch (IllegalArgumentException e) {
        throw KeelClientException.local(KeelClientException.INVALID_RESPONSE, e.getMessage(), e);
      }
      return new MonitorProfile.InferenceLog(
          type,
          KeelJson.text(p, "timestamp_col"),
          Values.strings(p.path("granularities")),
          KeelJson.text(p, "prediction_col"),
          KeelJson.text(p, "model_id_col"),
          KeelJson.nonEmptyText(p, "label_col"),
          KeelJson.nonEmptyText(p, "prediction_proba_col"));
    }
    p = n.path("time_series");
    if (p.isObject()) {
      return new MonitorProfile.TimeSeries(
          KeelJson.text(p, "timestamp_col"), Values.strings(p.path("granularities")));
    }
    if (n.path("snapshot").isObject()) {
      return new MonitorProfile.Snapshot();
    }
    throw KeelClientException.local(
        KeelClientException.INVALID_RESPONSE,
        "the monitor has none of snapshot, time_series and inference_log");
  }
}
