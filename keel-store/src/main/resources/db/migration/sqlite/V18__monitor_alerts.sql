-- Alerts over monitor metric tables (issue 15, item 5). spec is the alert's JSON (format_version 1)
-- including webhook secrets, which the API never returns. state is the latest evaluation's; an
-- evaluation changes it only from the state it read (compare-and-set), so a firing is recorded once.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE monitor_alerts (
  alert_id          TEXT   NOT NULL PRIMARY KEY,
  table_name        TEXT   NOT NULL,
  name              TEXT   NOT NULL,
  spec              TEXT   NOT NULL,
  format_version    INTEGER NOT NULL,
  state             TEXT   NOT NULL,
  last_evaluated_at BIGINT,
  last_error        TEXT,
  created_by        TEXT   NOT NULL,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL
);
CREATE INDEX monitor_alerts_table ON monitor_alerts (table_name, alert_id);

-- One row per firing (OK/UNKNOWN -> TRIGGERED), written in the same transaction as the state change
-- and the outbox rows below. job_* is the outbox entry of the run_job action (job_state PENDING
-- until started; the firing id is the run's idempotency token, so a retry never starts two runs).
CREATE TABLE monitor_alert_firings (
  firing_id     TEXT   NOT NULL PRIMARY KEY,
  alert_id      TEXT   NOT NULL,
  fired_at      BIGINT NOT NULL,
  refresh_id    TEXT   NOT NULL,
  window_start  BIGINT NOT NULL,
  window_end    BIGINT NOT NULL,
  value         REAL,
  window_values TEXT   NOT NULL,
  job_id        BIGINT,
  job_params    TEXT,
  job_run_as    TEXT,
  job_state     TEXT,
  job_run_id    BIGINT,
  job_attempts  INTEGER NOT NULL,
  job_next_at   BIGINT,
  job_error     TEXT
);
CREATE INDEX monitor_alert_firings_alert ON monitor_alert_firings (alert_id, fired_at);
CREATE INDEX monitor_alert_firings_job ON monitor_alert_firings (job_state, job_next_at);

-- The webhook outbox: one row per (firing, webhook). body is the exact JSON posted at every attempt;
-- an attempt is claimed by bumping attempts and pushing next_attempt_at past the request timeout
-- (compare-and-set on attempts), so a crash mid-attempt leaves the row due again later
-- (at-least-once; receivers deduplicate on X-Keel-Delivery = delivery_id).
CREATE TABLE monitor_alert_deliveries (
  delivery_id     TEXT    NOT NULL PRIMARY KEY,
  firing_id       TEXT    NOT NULL,
  alert_id        TEXT    NOT NULL,
  position        INTEGER NOT NULL,
  url             TEXT    NOT NULL,
  secret          TEXT,
  body            TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT  NOT NULL,
  last_status     INTEGER,
  last_error      TEXT,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX monitor_alert_deliveries_due ON monitor_alert_deliveries (state, next_attempt_at);
CREATE INDEX monitor_alert_deliveries_firing ON monitor_alert_deliveries (firing_id, position);
