package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MLflow tracking JSON (experiments, runs, metrics, dataset inputs, artifact listings) read into
 * this package's records. Lenient as {@link KeelJson} describes.
 */
final class TrackingJson {
  private TrackingJson() {}

  static Experiment experiment(JsonNode n) {
    return new Experiment(
        KeelJson.text(n, "experiment_id"),
        KeelJson.text(n, "name"),
        KeelJson.text(n, "artifact_location"),
        LifecycleStage.ofWire(KeelJson.text(n, "lifecycle_stage")),
        KeelJson.int64(n, "creation_time").orElse(0),
        KeelJson.int64(n, "last_update_time").orElse(0),
        KeelJson.tagList(n.path("tags")));
  }

  static Run run(JsonNode n) {
    JsonNode data = n.path("data");
    List<Metric> metrics = new ArrayList<>();
    data.path("metrics").forEach(m -> metrics.add(TrackingJson.metric(m)));
    List<Param> params = new ArrayList<>();
    data.path("params")
        .forEach(p -> params.add(new Param(KeelJson.text(p, "key"), KeelJson.text(p, "value"))));
    List<DatasetInput> inputs = new ArrayList<>();
    n.path("inputs").path("dataset_inputs").forEach(i -> inputs.add(TrackingJson.datasetInput(i)));
    return new Run(
        TrackingJson.runInfo(n.path("info")),
        metrics,
        params,
        KeelJson.tagList(data.path("tags")),
        inputs);
  }

  static RunInfo runInfo(JsonNode n) {
    String runId = KeelJson.text(n, "run_id");
    if (runId.isEmpty()) {
      runId = KeelJson.text(n, "run_uuid");
    }
    return new RunInfo(
        runId,
        KeelJson.text(n, "run_name"),
        KeelJson.text(n, "experiment_id"),
        KeelJson.text(n, "user_id"),
        TrackingJson.runStatus(KeelJson.text(n, "status")),
        KeelJson.int64(n, "start_time").orElse(0),
        KeelJson.int64(n, "end_time"),
        KeelJson.text(n, "artifact_uri"),
        LifecycleStage.ofWire(KeelJson.text(n, "lifecycle_stage")));
  }

  static Metric metric(JsonNode n) {
    return new Metric(
        KeelJson.text(n, "key"),
        KeelJson.dbl(n.path("value")),
        KeelJson.int64(n, "timestamp").orElse(0),
        KeelJson.int64(n, "step").orElse(0));
  }

  static DatasetInput datasetInput(JsonNode n) {
    JsonNode d = n.path("dataset");
    return new DatasetInput(
        KeelJson.tagList(n.path("tags")),
        new Dataset(
            KeelJson.text(d, "name"),
            KeelJson.text(d, "digest"),
            KeelJson.text(d, "source_type"),
            KeelJson.text(d, "source"),
            KeelJson.optionalText(d, "schema"),
            KeelJson.optionalText(d, "profile")));
  }

  static FileInfo fileInfo(JsonNode n) {
    return new FileInfo(
        KeelJson.text(n, "path"),
        n.path("is_dir").asBoolean(false),
        KeelJson.int64(n, "file_size"));
  }

  private static RunStatus runStatus(String s) {
    try {
      return RunStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE, "unknown run status '" + s + "' from the server");
    }
  }
}
