-- The audit log's commit order (keel-catalog, dev.keel.catalog.audit): every entry gets a sequence
-- number from one counter row, updated in the transaction that inserts the entries. The row lock
-- (PostgreSQL) or the single writer (SQLite) makes numbers commit in order, also with several
-- servers on one database, so "every entry after number N" is a complete, gap-free resume point:
-- the export to the system table system.access.audit keeps N in its Iceberg snapshots.
-- Numbers are never reused, also after retention deletes every entry.
-- Cost: rewrites every audit row once (numbered by time, then id) and builds one index;
-- recovery: none needed (rerunnable from a backup taken before it).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
UPDATE audit_log SET seq = r.n
  FROM (SELECT event_id, ROW_NUMBER() OVER (ORDER BY event_time, event_id) AS n FROM audit_log) r
  WHERE audit_log.event_id = r.event_id;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE TABLE audit_sequence (
  id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  last_seq BIGINT  NOT NULL
);
INSERT INTO audit_sequence (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;
