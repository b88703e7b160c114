package dev.keel.tracking.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.http.Json;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Experiment;
import dev.keel.tracking.Metric;
import dev.keel.tracking.Param;
import dev.keel.tracking.Run;
import dev.keel.tracking.RunInfo;
import dev.keel.tracking.Tag;
import java.io.IOException;
import java.util.List;

/**
 * Tracking entities in MLflow's JSON shape: snake_case, int64 as numbers, enums by name, NaN and
 * infinities as strings, unset and empty repeated fields left out (as protobuf's JSON printer
 * does). Runs and metrics are streamed (search pages and histories are large); experiments are
 * small trees.
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
      ArrayNode a = n.putArray("tags");
      for (Tag t : e.tags()) {
        a.addObject().put("key", t.key()).put("value", t.value());
      }
    }
    return n;
  }

  /** Writes {@code {"<field>": <run>}}. */
  static Json.Writer runResponse(String field, Run run) {
    return g -> {
      g.writeStartObject();
      g.writeFieldName(field);
      writeRun(g, run);
      g.writeEndObject();
    };
  }

  /** Writes {@code {"run_info": <info>}}. */
  static Json.Writer runInfoResponse(RunInfo info) {
    return g -> {
      g.writeStartObject();
      g.writeFieldName("run_info");
      writeRunInfo(g, info);
      g.writeEndObject();
    };
  }

  static void writeRun(JsonGenerator g, Run r) throws IOException {
    g.writeStartObject();
    g.writeFieldName("info");
    writeRunInfo(g, r.info());
    g.writeObjectFieldStart("data");
    if (!r.metrics().isEmpty()) {
      g.writeFieldName("metrics");
      writeMetrics(g, r.metrics());
    }
    if (!r.params().isEmpty()) {
      g.writeArrayFieldStart("params");
      for (Param p : r.params()) {
        g.writeStartObject();
        g.writeStringField("key", p.key());
        g.writeStringField("value", p.value());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!r.tags().isEmpty()) {
      writeTags(g, r.tags());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("inputs");
    if (!r.inputs().isEmpty()) {
      g.writeArrayFieldStart("dataset_inputs");
      for (DatasetInput in : r.inputs()) {
        g.writeStartObject();
        if (!in.tags().isEmpty()) {
          writeTags(g, in.tags());
        }
        g.writeObjectFieldStart("dataset");
        g.writeStringField("name", in.dataset().name());
        g.writeStringField("digest", in.dataset().digest());
        g.writeStringField("source_type", in.dataset().sourceType());
        g.writeStringField("source", in.dataset().source());
        if (in.dataset().schema().isPresent()) {
          g.writeStringField("schema", in.dataset().schema().get());
        }
        if (in.dataset().profile().isPresent()) {
          g.writeStringField("profile", in.dataset().profile().get());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static void writeRunInfo(JsonGenerator g, RunInfo i) throws IOException {
    g.writeStartObject();
    g.writeStringField("run_id", i.runId());
    g.writeStringField("run_uuid", i.runId());
    g.writeStringField("run_name", i.runName());
    g.writeStringField("experiment_id", i.experimentId());
    g.writeStringField("user_id", i.userId());
    g.writeStringField("status", i.status().name());
    g.writeNumberField("start_time", i.startTime());
    if (i.endTime().isPresent()) {
      g.writeNumberField("end_time", i.endTime().getAsLong());
    }
    g.writeStringField("artifact_uri", i.artifactUri());
    g.writeStringField("lifecycle_stage", i.lifecycleStage().wire());
    g.writeEndObject();
  }

  static void writeMetrics(JsonGenerator g, List<Metric> metrics) throws IOException {
    g.writeStartArray();
    for (Metric m : metrics) {
      g.writeStartObject();
      g.writeStringField("key", m.key());
      g.writeNumberField("value", m.value());
      g.writeNumberField("timestamp", m.timestamp());
      g.writeNumberField("step", m.step());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeTags(JsonGenerator g, List<Tag> tags) throws IOException {
    g.writeArrayFieldStart("tags");
    for (Tag t : tags) {
      g.writeStartObject();
      g.writeStringField("key", t.key());
      g.writeStringField("value", t.value());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
