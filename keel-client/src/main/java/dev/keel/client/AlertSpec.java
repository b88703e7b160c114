package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An alert rule over a monitor's metric tables (Keel's {@code /api/2.0/keel/alerts} body): it fires
 * when the metric violates {@code op threshold} in at least {@code violations} of the latest {@code
 * windows} windows, the latest among them, and then calls webhooks and can start a job run.
 *
 * <pre>{@code
 * AlertSpec spec =
 *     AlertSpec.builder("age drift", "main.ml.churn_features", "js_distance", "GREATER_THAN", 0.2)
 *         .columnName(Optional.of("age"))
 *         .evaluation(Optional.of(new AlertSpec.Evaluation(2, 5)))
 *         .runJob(Optional.of(new AlertSpec.RunJob(42, Map.of("reason", "drift"))))
 *         .build();
 * }</pre>
 *
 * @param name the alert's name
 * @param tableName the monitored table, {@code catalog.schema.table}
 * @param metric an output column of the monitor's metric tables, e.g. {@code js_distance}, {@code
 *     ks_test.pvalue}, {@code percent_null}, {@code accuracy_score}
 * @param columnName the column the metric is about; empty for the server's default ({@code :table})
 * @param sliceKey a slice's key; empty for the whole table
 * @param sliceValue that slice's value
 * @param modelId a model id of an inference log; empty for all ({@code *})
 * @param granularity the windows' granularity; empty for the monitor's first
 * @param driftType {@code BASELINE} or {@code CONSECUTIVE}, for drift metrics
 * @param op {@code GREATER_THAN}, {@code GREATER_THAN_OR_EQUAL}, {@code LESS_THAN}, {@code
 *     LESS_THAN_OR_EQUAL}, {@code EQUAL} or {@code NOT_EQUAL}
 * @param threshold what the metric is compared with
 * @param evaluation how many of the latest windows must violate; empty for 1 of 1
 * @param webhooks where to POST a firing (a secret signs it; the server never returns secrets)
 * @param runJob a job to run when it fires
 */
public record AlertSpec(
    String name,
    String tableName,
    String metric,
    Optional<String> columnName,
    Optional<String> sliceKey,
    Optional<String> sliceValue,
    Optional<String> modelId,
    Optional<String> granularity,
    Optional<String> driftType,
    String op,
    double threshold,
    Optional<Evaluation> evaluation,
    List<Webhook> webhooks,
    Optional<RunJob> runJob) {

  /** Checks for nulls and copies the list. */
  public AlertSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(columnName, "columnName");
    Objects.requireNonNull(sliceKey, "sliceKey");
    Objects.requireNonNull(sliceValue, "sliceValue");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(driftType, "driftType");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(evaluation, "evaluation");
    webhooks = List.copyOf(webhooks);
    Objects.requireNonNull(runJob, "runJob");
  }

  /**
   * The rule "fires when {@code violations} of the latest {@code windows} windows violate".
   *
   * @param violations N, at least 1
   * @param windows M, at least N
   */
  public record Evaluation(int violations, int windows) {}

  /**
   * A webhook.
   *
   * @param url an http(s) URL
   * @param secret the HMAC key signing each delivery; empty in the server's answers
   */
  public record Webhook(String url, Optional<String> secret) {
    /** Checks for nulls. */
    public Webhook {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(secret, "secret");
    }
  }

  /**
   * A job to run when the alert fires; the server adds the alert's values as job parameters.
   *
   * @param jobId the job
   * @param jobParameters extra job parameters
   */
  public record RunJob(long jobId, Map<String, String> jobParameters) {
    /** Copies the map. */
    public RunJob {
      jobParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobParameters));
    }
  }

  /** A builder with the required fields. */
  public static Builder builder(
      String name, String tableName, String metric, String op, double threshold) {
    return new Builder(name, tableName, metric, op, threshold);
  }

  /** The request body of a create (also usable as a full {@code PATCH}). */
  public ObjectNode toJson() {
    ObjectNode o = KeelJson.object();
    o.put("name", name);
    o.put("table_name", tableName);
    o.put("metric", metric);
    columnName.ifPresent(v -> o.put("column_name", v));
    sliceKey.ifPresent(v -> o.put("slice_key", v));
    sliceValue.ifPresent(v -> o.put("slice_value", v));
    modelId.ifPresent(v -> o.put("model_id", v));
    granularity.ifPresent(v -> o.put("granularity", v));
    driftType.ifPresent(v -> o.put("drift_type", v));
    o.put("op", op);
    o.put("threshold", threshold);
    evaluation.ifPresent(
        e ->
            o.putObject("evaluation")
                .put("violations", e.violations())
                .put("windows", e.windows()));
    if (!webhooks.isEmpty()) {
      ArrayNode hooks = o.putObject("notifications").putArray("webhooks");
      for (Webhook w : webhooks) {
        ObjectNode h = hooks.addObject().put("url", w.url());
        w.secret().ifPresent(s -> h.put("secret", s));
      }
    }
    runJob.ifPresent(
        r -> {
          ObjectNode j = o.putObject("run_job").put("job_id", r.jobId());
          j.set("job_parameters", KeelJson.properties(r.jobParameters()));
        });
    return o;
  }

  /** The rule part of an alert as the server answers it; unknown fields are ignored. */
  static AlertSpec from(JsonNode n) {
    JsonNode e = n.path("evaluation");
    List<Webhook> hooks = new ArrayList<>();
    for (JsonNode h : n.at("/notifications/webhooks")) {
      hooks.add(new Webhook(KeelJson.text(h, "url"), KeelJson.nonEmptyText(h, "secret")));
    }
    JsonNode r = n.path("run_job");
    return new AlertSpec(
        KeelJson.text(n, "name"),
        KeelJson.text(n, "table_name"),
        KeelJson.text(n, "metric"),
        KeelJson.nonEmptyText(n, "column_name"),
        KeelJson.nonEmptyText(n, "slice_key"),
        KeelJson.nonEmptyText(n, "slice_value"),
        KeelJson.nonEmptyText(n, "model_id"),
        KeelJson.nonEmptyText(n, "granularity"),
        KeelJson.nonEmptyText(n, "drift_type"),
        KeelJson.text(n, "op"),
        KeelJson.dbl(n.path("threshold")),
        e.isObject()
            ? Optional.of(new Evaluation(e.path("violations").asInt(1), e.path("windows").asInt(1)))
            : Optional.empty(),
        hooks,
        r.isObject()
            ? Optional.of(
                new RunJob(
                    KeelJson.int64(r, "job_id").orElse(0),
                    KeelJson.propertyMap(r.path("job_parameters"))))
            : Optional.empty());
  }

  /** Builds an {@link AlertSpec}; every setter replaces the field's value. */
  public static final class Builder {
    private final String name;
    private final String tableName;
    private final String metric;
    private final String op;
    private final double threshold;
    private Optional<String> columnName = Optional.empty();
    private Optional<String> sliceKey = Optional.empty();
    private Optional<String> sliceValue = Optional.empty();
    private Optional<String> modelId = Optional.empty();
    private Optional<String> granularity = Optional.empty();
    private Optional<String> driftType = Optional.empty();
    private Optional<Evaluation> evaluation = Optional.empty();
    private List<Webhook> webhooks = List.of();
    private Optional<RunJob> runJob = Optional.empty();

    private Builder(String name, String tableName, String metric, String op, double threshold) {
      this.name = name;
      this.tableName = tableName;
      this.metric = metric;
      this.op = op;
      this.threshold = threshold;
    }

    /** {@code column_name}. */
    public Builder columnName(Optional<String> v) {
      columnName = v;
      return this;
    }

    /** {@code slice_key} and {@code slice_value}. */
    public Builder slice(Optional<String> key, Optional<String> value) {
      sliceKey = key;
      sliceValue = value;
      return this;
    }

    /** {@code model_id}. */
    public Builder modelId(Optional<String> v) {
      modelId = v;
      return this;
    }

    /** {@code granularity}. */
    public Builder granularity(Optional<String> v) {
      granularity = v;
      return this;
    }

    /** {@code drift_type}. */
    public Builder driftType(Optional<String> v) {
      driftType = v;
      return this;
    }

    /** {@code evaluation}. */
    public Builder evaluation(Optional<Evaluation> v) {
      evaluation = v;
      return this;
    }

    /** {@code notifications.webhooks}. */
    public Builder webhooks(List<Webhook> v) {
      webhooks = v;
      return this;
    }

    /** {@code run_job}. */
    public Builder runJob(Optional<RunJob> v) {
      runJob = v;
      return this;
    }

    /** The rule. */
    public AlertSpec build() {
      return new AlertSpec(
          name,
          tableName,
          metric,
          columnName,
          sliceKey,
          sliceValue,
          modelId,
          granularity,
          driftType,
          op,
          threshold,
          evaluation,
          webhooks,
          runJob);
    }
  }
}
