-- A feature table may name its own creation-time column (Feast's created_timestamp_column): the
-- training sets' availability filter and the tie rule read it instead of _ingested_at. NULL: the
-- table uses _ingested_at, as before.
-- Cost: adds a nullable column, no rewrite; recovery: none needed.
ALTER TABLE feature_tables ADD COLUMN creation_time_column TEXT;
