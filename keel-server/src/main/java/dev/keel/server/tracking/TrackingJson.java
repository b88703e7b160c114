package dev.keel.server.tracking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.server.http.Json;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Experiment;
import dev.keel.tracking.Metric;
import dev.keel.tracking.Param;
import dev.keel.tracking.Run;
import dev.keel.tracking.RunInfo;
import dev.keel.tracking.Tag;
import java.util.List;

/**
 * Tracking entities in MLflow's JSON shape: snake_case, int64 as numbers, enums by name, unset and
 * empty repeated fields left out (as protobuf's JSON printer does).
 */
final class TrackingJson {
  private TrackingJson() {}

  static ObjectNode experiment(Experiment e) {
    ObjectNode n = Json.object();
    n.put("experiment_id", e.experimentId());
    n.put("name", e.name());
    n.put("artifact_location", e.artifactLocation());
    n.put("lifecycle_stage", e.lifecycleStage().wire());
    n.put("last_update_time", e.lastUpdateTime());
    n.put("creation_time", e.creationTime());
    if (!e.tags().isEmpty()) {
      n.set("tags", tags(e.tags()));
    }
    return n;
  }

  static ObjectNode run(Run r) {
    ObjectNode n = Json.object();
    n.set("info", runInfo(r.info()));
    ObjectNode data = n.putObject("data");
    if (!r.metrics().isEmpty()) {
      data.set("metrics", metrics(r.metrics()));
    }
    if (!r.params().isEmpty()) {
      ArrayNode a = data.putArray("params");
      for (Param p : r.params()) {
        a.addObject().put("key", p.key()).put("value", p.value());
      }
    }
    if (!r.tags().isEmpty()) {
      data.set("tags", tags(r.tags()));
    }
    ObjectNode inputs = n.putObject("inputs");
    if (!r.inputs().isEmpty()) {
      ArrayNode a = inputs.putArray("dataset_inputs");
      for (DatasetInput in : r.inputs()) {
        ObjectNode di = a.addObject();
        if (!in.tags().isEmpty()) {
          di.set("tags", tags(in.tags()));
        }
        ObjectNode d = di.putObject("dataset");
        d.put("name", in.dataset().name());
        d.put("digest", in.dataset().digest());
        d.put("source_type", in.dataset().sourceType());
        d.put("source", in.dataset().source());
        in.dataset().schema().ifPresent(s -> d.put("schema", s));
        in.dataset().profile().ifPresent(s -> d.put("profile", s));
      }
    }
    return n;
  }

  static ObjectNode runInfo(RunInfo i) {
    ObjectNode n = Json.object();
    n.put("run_id", i.runId());
    n.put("run_uuid", i.runId());
    n.put("run_name", i.runName());
    n.put("experiment_id", i.experimentId());
    n.put("user_id", i.userId());
    n.put("status", i.status().name());
    n.put("start_time", i.startTime());
    i.endTime().ifPresent(t -> n.put("end_time", t));
    n.put("artifact_uri", i.artifactUri());
    n.put("lifecycle_stage", i.lifecycleStage().wire());
    return n;
  }

  static ArrayNode metrics(List<Metric> metrics) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (Metric m : metrics) {
      a.addObject()
          .put("key", m.key())
          .put("value", m.value())
          .put("timestamp", m.timestamp())
          .put("step", m.step());
    }
    return a;
  }

  static ArrayNode tags(List<Tag> tags) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (Tag t : tags) {
      a.addObject().put("key", t.key()).put("value", t.value());
    }
    return a;
  }
}
