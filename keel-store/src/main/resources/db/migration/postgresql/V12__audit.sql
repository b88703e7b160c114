-- The audit log (keel-catalog, dev.keel.catalog.audit): one row per authenticated or denied request,
-- written in batches by the server's audit writer. No request bodies, no query strings, no headers
-- other than the user agent: never a secret. Rows older than audit.retention-days are deleted by the
-- server at start and daily.
-- Cost: creates an empty table and its indexes; recovery: none needed.
CREATE TABLE audit_log (
  event_id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  event_time        BIGINT NOT NULL,
  principal_id      TEXT,
  principal_name    TEXT COLLATE "C",
  service_name      TEXT   NOT NULL,
  action_name       TEXT COLLATE "C" NOT NULL,
  http_method       TEXT   NOT NULL,
  path              TEXT   NOT NULL,
  securable_type    TEXT,
  securable_name    TEXT COLLATE "C",
  privilege         TEXT,
  result            TEXT   NOT NULL,
  status_code       INTEGER NOT NULL,
  source_ip_address TEXT,
  user_agent        TEXT,
  request_id        TEXT   NOT NULL,
  duration_ms       BIGINT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (event_time, event_id);
CREATE INDEX audit_log_principal ON audit_log (principal_name, event_time);
CREATE INDEX audit_log_action ON audit_log (action_name, event_time);
CREATE INDEX audit_log_securable ON audit_log (securable_name, event_time);
