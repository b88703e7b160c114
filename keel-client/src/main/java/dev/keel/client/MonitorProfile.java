package dev.keel.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a monitor groups its table's rows: exactly one of {@link Snapshot}, {@link TimeSeries} and
 * {@link InferenceLog}, as Lakehouse Monitoring's {@code snapshot}, {@code time_series} and {@code
 * inference_log} objects carry them.
 */
public sealed interface MonitorProfile {
  /** The JSON field this profile is sent as ({@code snapshot}, {@code time_series}, ...). */
  String field();

  /** The profile's JSON object (the value of {@link #field()}). */
  ObjectNode toJson();

  /** The whole table at each refresh, one window ({@code snapshot: {}}). */
  record Snapshot() implements MonitorProfile {
    @Override
    public String field() {
      return "snapshot";
    }

    @Override
    public ObjectNode toJson() {
      return KeelJson.object();
    }
  }

  /**
   * Rows grouped into windows of each granularity by a timestamp column.
   *
   * @param timestampCol a TIMESTAMP (or DATE) column of the monitored table
   * @param granularities window lengths as Databricks writes them ({@code 1 day}, {@code 1 hour},
   *     ...)
   */
  record TimeSeries(String timestampCol, List<String> granularities) implements MonitorProfile {
    /** Checks for nulls and copies the list. */
    public TimeSeries {
      Objects.requireNonNull(timestampCol, "timestampCol");
      granularities = List.copyOf(granularities);
    }

    @Override
    public String field() {
      return "time_series";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = KeelJson.object().put("timestamp_col", timestampCol);
      o.set("granularities", KeelClient.strings(granularities));
      return o;
    }
  }

  /**
   * A model's predictions (and labels), windowed like a time series and also split by model id.
   *
   * @param problemType classification or regression
   * @param timestampCol the request time column
   * @param granularities window lengths ({@code 1 day}, ...)
   * @param predictionCol the prediction column
   * @param modelIdCol the column naming the model (version) that made each prediction
   * @param labelCol the label column, when labels are known
   * @param predictionProbaCol the predicted probability column, for classifiers
   */
  record InferenceLog(
      ProblemType problemType,
      String timestampCol,
      List<String> granularities,
      String predictionCol,
      String modelIdCol,
      Optional<String> labelCol,
      Optional<String> predictionProbaCol)
      implements MonitorProfile {
    /** Checks for nulls and copies the list. */
    public InferenceLog {
      Objects.requireNonNull(problemType, "problemType");
      Objects.requireNonNull(timestampCol, "timestampCol");
      granularities = List.copyOf(granularities);
      Objects.requireNonNull(predictionCol, "predictionCol");
      Objects.requireNonNull(modelIdCol, "modelIdCol");
      Objects.requireNonNull(labelCol, "labelCol");
      Objects.requireNonNull(predictionProbaCol, "predictionProbaCol");
    }

    @Override
    public String field() {
      return "inference_log";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = KeelJson.object();
      o.put("problem_type", problemType.wire());
      o.put("timestamp_col", timestampCol);
      o.set("granularities", KeelClient.strings(granularities));
      o.put("prediction_col", predictionCol);
      o.put("model_id_col", modelIdCol);
      labelCol.ifPresent(c -> o.put("label_col", c));
      predictionProbaCol.ifPresent(c -> o.put("prediction_proba_col", c));
      return o;
    }
  }

  /** Databricks' {@code problem_type}. */
  enum ProblemType {
    /** {@code PROBLEM_TYPE_CLASSIFICATION}. */
    CLASSIFICATION,
    /** {@code PROBLEM_TYPE_REGRESSION}. */
    REGRESSION;

    /** The wire value, e.g. {@code PROBLEM_TYPE_CLASSIFICATION}. */
    public String wire() {
      return "PROBLEM_TYPE_" + name();
    }

    /**
     * {@code classification}, {@code regression} or their wire values, in any case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ProblemType parse(String text) {
      String t = text.trim().toUpperCase(Locale.ROOT);
      if (t.startsWith("PROBLEM_TYPE_")) {
        t = t.substring("PROBLEM_TYPE_".length());
      }
      for (ProblemType p : values()) {
        if (p.name().equals(t)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "problem type must be classification or regression, got '" + text + "'");
    }
  }
}
