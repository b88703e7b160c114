package dev.keel.monitoring.alerts;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an alert watches and does, with every default resolved (see {@link AlertRequests}).
 *
 * @param name the alert's name (free text, for people)
 * @param tableName the monitored table, {@code catalog.schema.table}
 * @param metric the output column, a struct field as {@code column.field} ({@code ks_test.pvalue})
 * @param table which output table holds the metric (derived from its name)
 * @param columnName the {@code column_name} of the rows read ({@code :table} for table-level rows)
 * @param sliceKey the {@code slice_key} of the rows read; empty = the whole table (NULL slice)
 * @param sliceValue the {@code slice_value}, present exactly when {@code sliceKey} is
 * @param modelId the {@code model_id} of the rows read ({@code *} = all models)
 * @param granularity the {@code granularity} of the rows read; empty for a snapshot monitor
 * @param driftType the {@code drift_type} for a drift metric; empty for a profile metric
 * @param op how a value is compared with the threshold
 * @param threshold the threshold
 * @param evaluation how many of the latest windows must violate
 * @param webhooks where firings are posted
 * @param runJob the job a firing runs
 */
public record AlertSpec(
    String name,
    String tableName,
    String metric,
    MetricTable table,
    String columnName,
    Optional<String> sliceKey,
    Optional<String> sliceValue,
    String modelId,
    Optional<String> granularity,
    Optional<DriftType> driftType,
    Op op,
    double threshold,
    Evaluation evaluation,
    List<Webhook> webhooks,
    Optional<RunJob> runJob) {
  public AlertSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(table, "table");
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

  /** The output table a metric lives in. */
  public enum MetricTable {
    PROFILE,
    DRIFT
  }

  /** Which comparison a drift row holds. */
  public enum DriftType {
    BASELINE,
    CONSECUTIVE
  }

  /**
   * The mlops-stacks rule: the alert is violated when at least {@code violations} of the latest
   * {@code windows} windows violate and the latest window violates.
   */
  public record Evaluation(int violations, int windows) {
    /** The largest number of windows a rule may look at. */
    public static final int MAX_WINDOWS = 1000;

    public Evaluation {
      if (windows < 1 || windows > MAX_WINDOWS || violations < 1 || violations > windows) {
        throw new IllegalArgumentException(
            "need 1 <= violations <= windows <= "
                + MAX_WINDOWS
                + ", got "
                + violations
                + "/"
                + windows);
      }
    }
  }

  /**
   * A webhook destination.
   *
   * @param url an {@code http} or {@code https} URL without credentials
   * @param secret the HMAC key signing each delivery (never returned by the API); empty = unsigned
   */
  public record Webhook(String url, Optional<String> secret) {
    public Webhook {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(secret, "secret");
    }
  }

  /**
   * A job a firing starts.
   *
   * @param jobId the job
   * @param jobParameters parameters passed besides those describing the firing
   */
  public record RunJob(long jobId, Map<String, String> jobParameters) {
    public RunJob {
      jobParameters = Map.copyOf(jobParameters);
    }
  }
}
