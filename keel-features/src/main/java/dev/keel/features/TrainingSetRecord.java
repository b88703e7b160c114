package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.FormatVersion;
import dev.keel.features.training.TrainingSetSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is logged to a run to rebuild its training set ({@value FeatureStore#RECORD_ARTIFACT}): the
 * spec, the spine table and snapshot it read (when the spine was a table), the snapshot of every
 * feature table, and the row count. Format version {@value #FORMAT_VERSION}; see {@link
 * FormatVersion}.
 *
 * @param spec the spec; a spine table is recorded by {@code spineTable}, not in the spec
 * @param spineTable the spine table and its snapshot id, when the spine was a table
 * @param snapshotIds feature table → snapshot id read
 * @param rows the training set's row count
 */
record TrainingSetRecord(
    TrainingSetSpec spec,
    Optional<Map.Entry<String, Long>> spineTable,
    Map<String, Long> snapshotIds,
    long rows) {
  /** The format version written. */
  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  TrainingSetRecord {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(spineTable, "spineTable");
    snapshotIds = Map.copyOf(snapshotIds);
  }

  /** The record as pretty-printed JSON, with its format version. */
  byte[] toJson() {
    ObjectNode record = JSON.createObjectNode();
    FormatVersion.write(record, FORMAT_VERSION);
    spineTable.ifPresent(
        s -> {
          record.put("spine_table", s.getKey());
          record.put("spine_snapshot_id", s.getValue());
        });
    try {
      record.set("spec", JSON.readTree(spec.toJson()));
      ObjectNode ids = record.putObject("snapshot_ids");
      new java.util.TreeMap<>(snapshotIds).forEach(ids::put);
      record.put("rows", rows);
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a record written by {@link #toJson()} (or, without {@code format_version}, by Keel before
   * versions were recorded).
   *
   * @param what the record, as errors name it
   */
  static TrainingSetRecord read(JsonNode record, String what) {
    FormatVersion.read(record, FORMAT_VERSION, what, ErrorCode.FAILED_PRECONDITION);
    TrainingSetSpec spec = TrainingSetSpec.fromJson(record.get("spec").toString());
    Map<String, Long> snapshots = new LinkedHashMap<>();
    record
        .get("snapshot_ids")
        .properties()
        .forEach(e -> snapshots.put(e.getKey(), e.getValue().asLong()));
    Optional<Map.Entry<String, Long>> spine = Optional.empty();
    if (record.hasNonNull("spine_table")) {
      spine =
          Optional.of(
              Map.entry(
                  record.get("spine_table").asText(), record.get("spine_snapshot_id").asLong()));
    }
    return new TrainingSetRecord(spec, spine, snapshots, record.path("rows").asLong());
  }
}
