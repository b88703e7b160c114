-- Model serving endpoints (keel-serving). Configs, tags and the AI-gateway settings are JSON text in
-- Databricks' shape; the loaded models are runtime state, rebuilt from these rows on restart.
-- Cost: creates an empty table; recovery: none needed.
CREATE TABLE serving_endpoints (
  name           TEXT   NOT NULL PRIMARY KEY,
  id             TEXT   NOT NULL UNIQUE,
  description    TEXT,
  tags           TEXT   NOT NULL,
  config         TEXT,
  config_version BIGINT NOT NULL,
  pending_config TEXT,
  config_update  TEXT   NOT NULL,
  update_message TEXT,
  ai_gateway     TEXT,
  created_at     BIGINT NOT NULL,
  created_by     TEXT   NOT NULL,
  updated_at     BIGINT NOT NULL
);
