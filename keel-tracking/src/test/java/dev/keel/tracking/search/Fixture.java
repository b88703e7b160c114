package dev.keel.tracking.search;

import dev.keel.store.Database;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** Inserts tracking rows with plain SQL and runs compiled searches, for the contract tests. */
final class Fixture {
  private final Database db;

  Fixture(Database db) {
    this.db = db;
  }

  Fixture experiment(long id, String name, String stage, long created, long updated) {
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
                    + " creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)",
                id,
                name,
                "mlflow-artifacts:/" + id,
                stage,
                created,
                updated));
    return this;
  }

  Fixture experimentTag(long id, String key, String value) {
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                id,
                key,
                value));
    return this;
  }

  /** A run; {@code endTime} < 0 means unset. */
  Fixture run(
      String id,
      long experimentId,
      String name,
      String user,
      String status,
      long startTime,
      long endTime,
      String stage) {
    db.write(
        h -> {
          h.execute(
              "INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time,"
                  + " artifact_uri, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              name,
              experimentId,
              user,
              status,
              startTime,
              "mlflow-artifacts:/" + experimentId + "/" + id + "/artifacts",
              stage);
          if (endTime >= 0) {
            h.execute("UPDATE runs SET end_time = ? WHERE run_uuid = ?", endTime, id);
          }
          return null;
        });
    return this;
  }

  Fixture param(String run, String key, String value) {
    db.write(
        h ->
            h.execute(
                "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)", run, key, value));
    return this;
  }

  Fixture tag(String run, String key, String value) {
    db.write(
        h ->
            h.execute("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", run, key, value));
    return this;
  }

  /** The latest point of a metric; NaN is stored as value 0 with is_nan = 1. */
  Fixture metric(String run, String key, double value) {
    boolean nan = Double.isNaN(value);
    db.write(
        h ->
            h.execute(
                "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan)"
                    + " VALUES (?, ?, 0, 0, ?, ?)",
                run,
                key,
                nan ? 0.0 : value,
                nan ? 1 : 0));
    return this;
  }

  Fixture dataset(String uuid, long experimentId, String name, String digest) {
    db.write(
        h ->
            h.execute(
                "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type,"
                    + " source) VALUES (?, ?, ?, ?, 'local', 'file:///data')",
                uuid,
                experimentId,
                name,
                digest));
    return this;
  }

  /** A dataset input of a run, with its {@code mlflow.data.context} tag. */
  Fixture input(String run, String dataset, String context) {
    db.write(
        h -> {
          h.execute("INSERT INTO run_inputs (run_uuid, dataset_uuid) VALUES (?, ?)", run, dataset);
          h.execute(
              "INSERT INTO run_input_tags (run_uuid, dataset_uuid, key, value)"
                  + " VALUES (?, ?, 'mlflow.data.context', ?)",
              run,
              dataset,
              context);
          return null;
        });
    return this;
  }

  /** Runs a compiled statement and returns its single column as strings. */
  List<String> ids(SqlQuery q) {
    return db.read(h -> query(h, q).mapTo(String.class).list());
  }

  /** Runs a compiled statement and returns its single column as longs. */
  List<Long> longs(SqlQuery q) {
    return db.read(h -> query(h, q).mapTo(Long.class).list());
  }

  private static Query query(Handle h, SqlQuery q) {
    Query query = h.createQuery(q.sql());
    for (int i = 0; i < q.binds().size(); i++) {
      query.bind(i, q.binds().get(i));
    }
    return query;
  }
}
