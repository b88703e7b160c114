package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Unity Catalog JSON (catalogs, schemas) read into this package's records. Lenient as {@link
 * KeelJson} describes.
 */
final class CatalogJson {
  private CatalogJson() {}

  static Catalog catalog(JsonNode n) {
    return new Catalog(
        KeelJson.text(n, "name"),
        KeelJson.text(n, "comment"),
        KeelJson.propertyMap(n.path("properties")),
        KeelJson.text(n, "owner"),
        KeelJson.int64(n, "created_at").orElse(0),
        KeelJson.text(n, "created_by"),
        KeelJson.int64(n, "updated_at").orElse(0),
        KeelJson.text(n, "updated_by"),
        KeelJson.text(n, "id"));
  }

  static Schema schema(JsonNode n) {
    String catalogName = KeelJson.text(n, "catalog_name");
    String name = KeelJson.text(n, "name");
    String fullName = KeelJson.text(n, "full_name");
    return new Schema(
        name,
        catalogName,
        KeelJson.text(n, "comment"),
        KeelJson.propertyMap(n.path("properties")),
        fullName.isEmpty() ? catalogName + "." + name : fullName,
        KeelJson.text(n, "owner"),
        KeelJson.int64(n, "created_at").orElse(0),
        KeelJson.text(n, "created_by"),
        KeelJson.int64(n, "updated_at").orElse(0),
        KeelJson.text(n, "updated_by"),
        KeelJson.text(n, "schema_id"));
  }
}
