-- When a model version became READY (epoch ms), the durable fact that model triggers
-- (MODEL_VERSION_READY) read; updated_at moves on later edits, so it cannot serve. Existing READY
-- versions get their last update time, the closest known. Cost: one pass over model_versions;
-- recovery: none needed.
ALTER TABLE model_versions ADD COLUMN ready_at BIGINT;
UPDATE model_versions SET ready_at = updated_at WHERE status = 'READY';
CREATE INDEX model_versions_ready_at ON model_versions (ready_at);
CREATE INDEX registered_models_created_at ON registered_models (created_at);
CREATE INDEX model_alias_history_moved_at ON model_alias_history (moved_at);
