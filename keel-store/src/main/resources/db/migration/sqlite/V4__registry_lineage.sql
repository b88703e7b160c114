-- Lineage of model versions, captured when a version is created from a run and kept even if the
-- run changes later: the run and its experiment, the code version tag, and the run's dataset
-- inputs as they were logged. Cost: creates empty tables; recovery: none needed.
CREATE TABLE model_version_lineage (
  version_id    TEXT    NOT NULL PRIMARY KEY REFERENCES model_versions (id),
  run_id        TEXT    NOT NULL,
  experiment_id TEXT    NOT NULL,
  code_version  TEXT,
  captured_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE model_version_datasets (
  version_id  TEXT    NOT NULL REFERENCES model_versions (id),
  position    INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  digest      TEXT    NOT NULL,
  source_type TEXT    NOT NULL,
  source      TEXT    NOT NULL,
  context     TEXT,
  PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
