-- Databricks object permissions (keel-catalog, dev.keel.catalog.permissions) on the securables
-- that are not in the catalog namespace: experiments and serving endpoints. One row per principal
-- and level on one object: the direct levels granted through /api/2.0/permissions (CAN_READ,
-- CAN_EDIT, CAN_MANAGE; CAN_VIEW, CAN_QUERY, CAN_MANAGE), and the creator as IS_OWNER (one per
-- object; it holds CAN_MANAGE). A principal has at most one direct level besides IS_OWNER.
-- object_id is the object's id as the permissions API names it (an experiment id, an endpoint id).
-- Cost: creates an empty table and an index; recovery: none needed (objects created before it have
-- no owner: administrators manage them).
CREATE TABLE object_permissions (
  object_type      TEXT NOT NULL,
  object_id        TEXT NOT NULL,
  principal        TEXT NOT NULL,
  principal_type   TEXT NOT NULL,
  permission_level TEXT NOT NULL,
  PRIMARY KEY (object_type, object_id, principal, permission_level)
);
-- Lists and searches keep the objects a caller (a name and its groups) has any level on.
CREATE INDEX object_permissions_by_principal
  ON object_permissions (object_type, principal, object_id);
