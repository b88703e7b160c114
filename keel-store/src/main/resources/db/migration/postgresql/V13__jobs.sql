-- Jobs (keel-jobs): job settings in Databricks' JobSettings JSON (format version in format_version),
-- runs, task attempts, task values, repairs and the id counter they share. Runs are leased by the
-- server that drives them (owner, lease_until); a run whose lease lapsed is taken over.
-- Cost: creates empty tables and their indexes; recovery: none needed.
CREATE TABLE jobs (
  job_id         BIGINT NOT NULL PRIMARY KEY,
  name           TEXT COLLATE "C" NOT NULL,
  creator        TEXT COLLATE "C" NOT NULL,
  run_as         TEXT COLLATE "C" NOT NULL,
  settings       TEXT   NOT NULL,
  format_version INTEGER NOT NULL,
  triggered      INTEGER NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX jobs_name ON jobs (name, job_id);

CREATE TABLE job_ids (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  next BIGINT NOT NULL
);
INSERT INTO job_ids (name, next) VALUES ('ids', 1);

CREATE TABLE job_runs (
  run_id            BIGINT NOT NULL PRIMARY KEY,
  job_id            BIGINT NOT NULL,
  run_type          TEXT   NOT NULL,
  run_name          TEXT,
  trigger_type      TEXT   NOT NULL,
  trigger_info      TEXT   NOT NULL,
  settings          TEXT   NOT NULL,
  job_parameters    TEXT   NOT NULL,
  only_tasks        TEXT,
  idempotency_token TEXT COLLATE "C",
  creator           TEXT COLLATE "C" NOT NULL,
  run_as            TEXT COLLATE "C" NOT NULL,
  life_cycle        TEXT   NOT NULL,
  result_state      TEXT,
  state_message     TEXT   NOT NULL,
  term_code         TEXT,
  queued_at         BIGINT,
  created_at        BIGINT NOT NULL,
  start_time        BIGINT NOT NULL,
  end_time          BIGINT NOT NULL,
  cancel_requested  TEXT,
  repair_count      INTEGER NOT NULL,
  parent_task_run   BIGINT,
  owner             TEXT COLLATE "C",
  lease_until       BIGINT NOT NULL
);
CREATE UNIQUE INDEX job_runs_token ON job_runs (job_id, idempotency_token);
CREATE INDEX job_runs_job ON job_runs (job_id, run_id);
CREATE INDEX job_runs_state ON job_runs (life_cycle, run_id);
CREATE INDEX job_runs_start ON job_runs (start_time, run_id);

CREATE TABLE job_task_runs (
  task_run_id      BIGINT NOT NULL PRIMARY KEY,
  run_id           BIGINT NOT NULL,
  task_key         TEXT COLLATE "C" NOT NULL,
  attempt_number   INTEGER NOT NULL,
  original_attempt BIGINT NOT NULL,
  repair_id        BIGINT,
  iteration_of     BIGINT,
  iteration_index  INTEGER,
  life_cycle       TEXT   NOT NULL,
  result_state     TEXT,
  state_message    TEXT   NOT NULL,
  term_code        TEXT,
  outcome          TEXT,
  start_time       BIGINT NOT NULL,
  end_time         BIGINT NOT NULL,
  error            TEXT,
  error_trace      TEXT,
  child_run_id     BIGINT
);
CREATE INDEX job_task_runs_run ON job_task_runs (run_id, task_run_id);

CREATE TABLE job_task_values (
  run_id   BIGINT NOT NULL,
  task_key TEXT COLLATE "C" NOT NULL,
  name     TEXT COLLATE "C" NOT NULL,
  value    TEXT   NOT NULL,
  PRIMARY KEY (run_id, task_key, name)
);

CREATE TABLE job_repairs (
  repair_id    BIGINT NOT NULL PRIMARY KEY,
  run_id       BIGINT NOT NULL,
  start_time   BIGINT NOT NULL,
  end_time     BIGINT NOT NULL,
  task_run_ids TEXT   NOT NULL,
  life_cycle   TEXT   NOT NULL,
  result_state TEXT
);
CREATE INDEX job_repairs_run ON job_repairs (run_id, repair_id);
