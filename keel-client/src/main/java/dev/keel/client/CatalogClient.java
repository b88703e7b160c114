package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Catalogs and schemas over Unity Catalog REST ({@code /api/2.1/unity-catalog/...}). Get one from
 * {@link KeelClient#catalogs()}.
 *
 * <pre>{@code
 * CatalogClient catalogs = keel.catalogs();
 * Catalog sales = catalogs.createCatalog("sales", "Sales data", Map.of("team", "bi"));
 * Schema raw = catalogs.createSchema("sales", "raw");
 * catalogs.updateSchema("sales.raw", SecurableUpdate.none().withComment("Landing zone"));
 * catalogs.streamSchemas("sales").forEach(s -> System.out.println(s.fullName()));
 * catalogs.deleteCatalog("sales", true);
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure. Instances are thread-safe views over
 * their {@link KeelClient}.
 */
public final class CatalogClient {
  private final KeelClient client;

  CatalogClient(KeelClient client) {
    this.client = client;
  }

  /** Creates a catalog with no comment and no properties. */
  public Catalog createCatalog(String name) {
    return createCatalog(name, "", Map.of());
  }

  /**
   * Creates a catalog ({@code POST /api/2.1/unity-catalog/catalogs}). The server stores the name
   * lower-case.
   *
   * @param name 1–255 ASCII letters, digits, {@code _}, {@code -} or {@code @}
   * @param comment free text; {@code ""} for none
   * @param properties string properties (may be empty)
   * @throws KeelClientException {@code ALREADY_EXISTS} (409) if the name is taken in any case,
   *     {@code INVALID_ARGUMENT} (400) for a bad name, comment or properties
   */
  public Catalog createCatalog(String name, String comment, Map<String, String> properties) {
    ObjectNode body = KeelJson.object().put("name", Objects.requireNonNull(name, "name"));
    if (!comment.isEmpty()) {
      body.put("comment", comment);
    }
    if (!properties.isEmpty()) {
      body.set("properties", KeelJson.properties(properties));
    }
    return CatalogJson.catalog(client.uc("POST", "catalogs", Map.of(), body, false));
  }

  /**
   * The catalog with the given name (case-insensitive).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public Catalog getCatalog(String name) {
    return CatalogJson.catalog(
        client.uc("GET", "catalogs/" + KeelClient.segment(name, "name"), Map.of(), null, true));
  }

  /**
   * One page of catalogs, ordered by name.
   *
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<Catalog> listCatalogs(int maxResults, String pageToken) {
    JsonNode resp =
        client.uc("GET", "catalogs", KeelClient.paging(maxResults, pageToken), null, true);
    List<Catalog> items = new ArrayList<>();
    resp.path("catalogs").forEach(c -> items.add(CatalogJson.catalog(c)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every catalog, ordered by name, across all pages (fetched lazily). */
  public Stream<Catalog> streamCatalogs() {
    return Pages.stream(token -> listCatalogs(0, token));
  }

  /**
   * Renames a catalog and/or changes its comment or properties; renaming moves its schemas with it.
   *
   * @return the catalog afterwards
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code ALREADY_EXISTS}
   *     (409) if the new name is taken
   */
  public Catalog updateCatalog(String name, SecurableUpdate update) {
    return CatalogJson.catalog(
        client.uc(
            "PATCH",
            "catalogs/" + KeelClient.segment(name, "name"),
            Map.of(),
            updateBody(update),
            update.newName().isEmpty()));
  }

  /**
   * Deletes a catalog.
   *
   * @param force also delete its schemas; without it a catalog that has schemas is refused
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code
   *     FAILED_PRECONDITION} (400) if it has schemas and {@code force} is false
   */
  public void deleteCatalog(String name, boolean force) {
    client.uc(
        "DELETE",
        "catalogs/" + KeelClient.segment(name, "name"),
        KeelClient.forceQuery(force),
        null,
        false);
  }

  /** Creates a schema with no comment and no properties. */
  public Schema createSchema(String catalogName, String name) {
    return createSchema(catalogName, name, "", Map.of());
  }

  /**
   * Creates a schema in a catalog ({@code POST /api/2.1/unity-catalog/schemas}).
   *
   * @param catalogName the catalog to create it in
   * @param name 1–255 ASCII letters, digits, {@code _}, {@code -} or {@code @}
   * @param comment free text; {@code ""} for none
   * @param properties string properties (may be empty)
   * @throws KeelClientException {@code NOT_FOUND} (404) if the catalog does not exist, {@code
   *     ALREADY_EXISTS} (409) if the name is taken in that catalog, {@code INVALID_ARGUMENT} (400)
   *     for bad input
   */
  public Schema createSchema(
      String catalogName, String name, String comment, Map<String, String> properties) {
    ObjectNode body =
        KeelJson.object()
            .put("name", Objects.requireNonNull(name, "name"))
            .put("catalog_name", Objects.requireNonNull(catalogName, "catalogName"));
    if (!comment.isEmpty()) {
      body.put("comment", comment);
    }
    if (!properties.isEmpty()) {
      body.set("properties", KeelJson.properties(properties));
    }
    return CatalogJson.schema(client.uc("POST", "schemas", Map.of(), body, false));
  }

  /**
   * The schema with the given full name ({@code catalog.schema}, case-insensitive).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public Schema getSchema(String fullName) {
    return CatalogJson.schema(
        client.uc(
            "GET", "schemas/" + KeelClient.segment(fullName, "fullName"), Map.of(), null, true));
  }

  /**
   * One page of the schemas of a catalog, ordered by name.
   *
   * @param catalogName the catalog
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   * @throws KeelClientException {@code NOT_FOUND} (404) if the catalog does not exist
   */
  public Page<Schema> listSchemas(String catalogName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("catalog_name", List.of(Objects.requireNonNull(catalogName, "catalogName")));
    q.putAll(KeelClient.paging(maxResults, pageToken));
    JsonNode resp = client.uc("GET", "schemas", q, null, true);
    List<Schema> items = new ArrayList<>();
    resp.path("schemas").forEach(s -> items.add(CatalogJson.schema(s)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every schema of a catalog, ordered by name, across all pages (fetched lazily). */
  public Stream<Schema> streamSchemas(String catalogName) {
    return Pages.stream(token -> listSchemas(catalogName, 0, token));
  }

  /**
   * Renames a schema (within its catalog) and/or changes its comment or properties.
   *
   * @param fullName {@code catalog.schema}
   * @param update the changes; {@link SecurableUpdate#newName()} is the new schema name alone
   * @return the schema afterwards
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code ALREADY_EXISTS}
   *     (409) if the new name is taken
   */
  public Schema updateSchema(String fullName, SecurableUpdate update) {
    return CatalogJson.schema(
        client.uc(
            "PATCH",
            "schemas/" + KeelClient.segment(fullName, "fullName"),
            Map.of(),
            updateBody(update),
            update.newName().isEmpty()));
  }

  /**
   * Deletes a schema.
   *
   * @param force accepted for Unity Catalog compatibility (schemas hold nothing yet)
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public void deleteSchema(String fullName, boolean force) {
    client.uc(
        "DELETE",
        "schemas/" + KeelClient.segment(fullName, "fullName"),
        KeelClient.forceQuery(force),
        null,
        false);
  }

  static ObjectNode updateBody(SecurableUpdate update) {
    ObjectNode body = KeelJson.object();
    update.newName().ifPresent(n -> body.put("new_name", n));
    update.comment().ifPresent(c -> body.put("comment", c));
    if (!update.properties().isEmpty()) {
      body.set("properties", KeelJson.properties(update.properties()));
    }
    return body;
  }
}
