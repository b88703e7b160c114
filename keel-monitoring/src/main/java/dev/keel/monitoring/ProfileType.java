package dev.keel.monitoring;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How a monitor groups its table's rows: exactly one of snapshot, time series, inference log. */
public sealed interface ProfileType {
  /** The whole table at each refresh, one window. */
  record Snapshot() implements ProfileType {}

  /**
   * Rows grouped into windows of each granularity by {@code timestampCol}.
   *
   * @param timestampCol a TIMESTAMP (or DATE) column of the monitored table
   * @param granularities at least one, distinct
   */
  record TimeSeries(String timestampCol, List<Granularity> granularities) implements ProfileType {
    public TimeSeries {
      Objects.requireNonNull(timestampCol, "timestampCol");
      granularities = List.copyOf(granularities);
    }
  }

  /**
   * A model's predictions (and later its labels), grouped into windows like a time series and also
   * per model id.
   *
   * @param problemType classification or regression
   * @param timestampCol a TIMESTAMP (or DATE) column
   * @param granularities at least one, distinct
   * @param predictionCol the prediction column
   * @param modelIdCol the column naming the model (version) that made each prediction
   * @param labelCol the label column, when labels are known (in the table or in {@link
   *     MonitorSpec#labels})
   * @param predictionProbaCol the predicted probability (binary) or probabilities (classification)
   */
  record InferenceLog(
      ProblemType problemType,
      String timestampCol,
      List<Granularity> granularities,
      String predictionCol,
      String modelIdCol,
      Optional<String> labelCol,
      Optional<String> predictionProbaCol)
      implements ProfileType {
    public InferenceLog {
      Objects.requireNonNull(problemType, "problemType");
      Objects.requireNonNull(timestampCol, "timestampCol");
      granularities = List.copyOf(granularities);
      Objects.requireNonNull(predictionCol, "predictionCol");
      Objects.requireNonNull(modelIdCol, "modelIdCol");
      Objects.requireNonNull(labelCol, "labelCol");
      Objects.requireNonNull(predictionProbaCol, "predictionProbaCol");
    }
  }

  /** Databricks' {@code problem_type}. */
  enum ProblemType {
    PROBLEM_TYPE_CLASSIFICATION,
    PROBLEM_TYPE_REGRESSION
  }
}
