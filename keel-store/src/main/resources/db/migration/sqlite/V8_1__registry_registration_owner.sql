-- Who is registering a model version (keel-registry): the server instance that copies and checks
-- a version's files while it is PENDING_REGISTRATION, and when that instance last said it was
-- alive. A pending version whose owner stopped heart-beating is resumed or failed by another (or
-- the restarted) server; a version without an owner waits for its client to finalize it.
-- Cost: two nullable columns, no rewrite; recovery: none needed.
ALTER TABLE model_versions ADD COLUMN registration_owner TEXT;
ALTER TABLE model_versions ADD COLUMN registration_heartbeat BIGINT;
