-- Lakehouse-Monitoring monitors, one per monitored table (table_name, lower case). spec is the
-- monitor's configuration as JSON (MonitorSpecJson, format_version inside). monitor_version is
-- bumped by every update: a refresh that ran with an older version recomputes everything.
-- next_refresh_at is when the schedule is next due (NULL: no schedule or paused); a server that
-- finds it past inserts one SCHEDULE refresh and moves it on, in one transaction.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE monitors (
  table_name         TEXT   NOT NULL PRIMARY KEY,
  spec               TEXT   NOT NULL,
  status             TEXT   NOT NULL,
  monitor_version    BIGINT NOT NULL,
  failure_msg        TEXT,
  next_refresh_at    BIGINT,
  created_by         TEXT   NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);

-- Refreshes: a durable queue. PENDING rows are claimed by one server (claimed_by, heartbeat_at);
-- a RUNNING row whose heartbeat is older than the lease is claimed again (its server died).
-- input/baseline/label snapshot ids record what a SUCCESS read, for the next incremental refresh.
CREATE TABLE monitor_refreshes (
  refresh_id            BIGINT NOT NULL PRIMARY KEY,
  table_name            TEXT   NOT NULL,
  state                 TEXT   NOT NULL,
  trigger_kind          TEXT   NOT NULL,
  monitor_version       BIGINT NOT NULL,
  start_time_ms         BIGINT NOT NULL,
  end_time_ms           BIGINT,
  message               TEXT,
  claimed_by            TEXT,
  heartbeat_at          BIGINT,
  cancel_requested      BOOLEAN NOT NULL DEFAULT FALSE,
  input_snapshot_id     BIGINT,
  baseline_snapshot_id  BIGINT,
  label_snapshot_id     BIGINT,
  windows_recomputed    INTEGER,
  windows_kept          INTEGER,
  rows_read             BIGINT
);
CREATE INDEX monitor_refreshes_table ON monitor_refreshes (table_name, refresh_id);
CREATE INDEX monitor_refreshes_state ON monitor_refreshes (state, refresh_id);
