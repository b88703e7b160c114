-- Jobs (keel-jobs): a run's lease epoch, incremented at each claim. Every write a server's run
-- executor makes is conditional on (owner, lease_epoch) still being its own, so a server that paused
-- past its lease and was taken over cannot write the run or start an attempt again.
-- Cost: adds a column with a constant default (no table rewrite); recovery: none needed.
ALTER TABLE job_runs ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0;
