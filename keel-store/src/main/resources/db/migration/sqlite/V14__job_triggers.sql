-- Trigger state of jobs (schedules, periodic / table-update / model triggers, continuous), one row
-- per job that has one. version is bumped by every write: servers sharing the database update a
-- row only at the version they read (compare-and-set), so exactly one records each fire.
-- pending_* is a fire that was recorded but whose run is not yet confirmed started; it is retried
-- with the same idempotency token (the scheduler starts one run per token). cursors is JSON: the
-- table snapshots the last run saw, the model-event cursor and the events pending since.
-- No foreign key to the jobs table: rows of jobs that no longer have triggers are removed by the
-- trigger service. Cost: creates an empty table; recovery: none needed.
CREATE TABLE job_trigger_state (
  job_id          BIGINT NOT NULL PRIMARY KEY,
  settings_at     BIGINT NOT NULL,
  version         BIGINT NOT NULL,
  last_fire_at    BIGINT,
  last_due_at     BIGINT,
  pending_token   TEXT,
  pending_trigger TEXT,
  pending_info    TEXT,
  pending_owner   TEXT,
  pending_since   BIGINT,
  cursors         TEXT   NOT NULL,
  updated_at      BIGINT NOT NULL
);
