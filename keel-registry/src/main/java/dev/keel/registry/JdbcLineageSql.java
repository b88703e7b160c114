package dev.keel.registry;

import dev.keel.store.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Owns the SQL of version lineage: the run, code version and datasets a version came from. */
final class JdbcLineageSql {
  private final Database db;

  JdbcLineageSql(Database db) {
    this.db = db;
  }

  static void insertLineage(Handle h, String versionId, VersionLineage l) {
    h.createUpdate(
            "INSERT INTO model_version_lineage (version_id, run_id, experiment_id, code_version,"
                + " captured_at) VALUES (?, ?, ?, ?, ?)")
        .bind(0, versionId)
        .bind(1, l.runId())
        .bind(2, l.experimentId())
        .bind(3, l.codeVersion().orElse(null))
        .bind(4, l.capturedAt())
        .execute();
    int i = 0;
    for (VersionLineage.LineageDataset d : l.datasets()) {
      h.createUpdate(
              "INSERT INTO model_version_datasets (version_id, position, name, digest, source_type,"
                  + " source, context) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(0, versionId)
          .bind(1, i++)
          .bind(2, d.name())
          .bind(3, d.digest())
          .bind(4, d.sourceType())
          .bind(5, d.source())
          .bind(6, d.context().orElse(null))
          .execute();
    }
  }

  Map<String, VersionLineage> lineages(List<String> versionIds) {
    if (versionIds.isEmpty()) {
      return Map.of();
    }
    return db.read(
        h -> {
          Map<String, List<VersionLineage.LineageDataset>> datasets = new HashMap<>();
          h.createQuery(
                  "SELECT version_id, name, digest, source_type, source, context"
                      + " FROM model_version_datasets WHERE version_id IN (<ids>)"
                      + " ORDER BY version_id, position")
              .bindList("ids", versionIds)
              .map(
                  (rs, ctx) ->
                      Map.entry(
                          rs.getString(1),
                          new VersionLineage.LineageDataset(
                              rs.getString(2),
                              rs.getString(3),
                              rs.getString(4),
                              rs.getString(5),
                              Optional.ofNullable(rs.getString(6)))))
              .forEach(
                  e ->
                      datasets
                          .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                          .add(e.getValue()));
          Map<String, VersionLineage> out = new HashMap<>();
          h.createQuery(
                  "SELECT version_id, run_id, experiment_id, code_version, captured_at"
                      + " FROM model_version_lineage WHERE version_id IN (<ids>)")
              .bindList("ids", versionIds)
              .map(
                  (rs, ctx) ->
                      Map.entry(
                          rs.getString(1),
                          new VersionLineage(
                              rs.getString(2),
                              rs.getString(3),
                              Optional.ofNullable(rs.getString(4)),
                              datasets.getOrDefault(rs.getString(1), List.of()),
                              rs.getLong(5))))
              .forEach(e -> out.put(e.getKey(), e.getValue()));
          return out;
        });
  }
}
