package dev.keel.tables;

import static dev.keel.tables.IcebergTables.INGESTED_AT;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.GrantSql;
import dev.keel.catalog.JdbcGrantStore;
import dev.keel.catalog.Names;
import dev.keel.catalog.Viewer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Types;

/** Owns the catalog side of tables: create, get, list and delete, and their {@link TableInfo}. */
final class TableCatalog {
  private final Database db;
  private final CatalogService catalog;
  private final IcebergTables iceberg;
  private final Clock clock;
  private final JdbcGrantStore owners;

  TableCatalog(Database db, CatalogService catalog, IcebergTables iceberg, Clock clock) {
    this.db = db;
    this.owners = new JdbcGrantStore(db);
    this.catalog = catalog;
    this.iceberg = iceberg;
    this.clock = clock;
  }

  static TableContents schemaContents(Path dataDir) {
    return new TableContents(dataDir.resolve("warehouse").toAbsolutePath().normalize());
  }

  TableInfo create(TableSpec spec, String owner) {
    return create(spec, owner, Optional.empty());
  }

  /**
   * Creates a table; with {@code partitionColumn}, partitioned by that column's value (identity)
   * and committed without Iceberg's silent retries (see {@link LogTables}).
   */
  TableInfo create(TableSpec spec, String owner, Optional<String> partitionColumn) {
    TableSpecValidator.Valid v = TableSpecValidator.validate(spec);
    String cat = v.catalogName();
    String sch = v.schemaName();
    String name = v.name();
    catalog.getSchema(cat + "." + sch); // NOT_FOUND when the schema does not exist
    createIceberg(spec, v, owner, partitionColumn);
    if (!owner.equals(CatalogService.PRINCIPAL)) {
      owners.setTableOwner(cat + "." + sch + "." + name, owner); // for lists filtered in SQL
    }
    return get(cat + "." + sch + "." + name);
  }

  /** Builds and commits the Iceberg table of a validated request, with one empty snapshot. */
  private void createIceberg(
      TableSpec spec, TableSpecValidator.Valid v, String owner, Optional<String> partitionColumn) {
    String cat = v.catalogName();
    String sch = v.schemaName();
    String name = v.name();
    List<String> pks = v.primaryKeys();
    Map<String, Column> cols = v.columns();
    Optional<String> ts = v.timeseriesKey();
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    // nested fields are numbered after the top-level columns (and the ingestion-time column)
    int[] nestedId = {cols.size() + 1};
    java.util.function.IntSupplier nextNested = () -> ++nestedId[0];
    Set<Integer> identifiers = new HashSet<>();
    for (Column c : cols.values()) {
      int fid = id++;
      fields.add(
          Types.NestedField.builder()
              .isOptional(c.nullable())
              .withId(fid)
              .withName(c.name())
              .ofType(IcebergTables.icebergType(c.type(), nextNested))
              .withDoc(c.comment().orElse(null))
              .build());
      if (pks.contains(c.name())) {
        identifiers.add(fid);
      }
    }
    if (spec.ingestionTime()) {
      fields.add(
          Types.NestedField.optional(
              id, INGESTED_AT, Types.TimestampType.withZone(), "when Keel wrote the row"));
    }
    org.apache.iceberg.Schema schema = new org.apache.iceberg.Schema(fields, identifiers);
    String tableId = UUID.randomUUID().toString();
    long now = clock.millis();
    Map<String, String> props = new HashMap<>(spec.properties());
    props.put("format-version", "2");
    props.put(IcebergTables.NAME_MAPPING, IcebergTables.nameMappingJson(schema));
    props.put(IcebergTables.P_TABLE_ID, tableId);
    props.put(IcebergTables.P_PRIMARY_KEYS, String.join(",", pks));
    ts.ifPresent(t -> props.put(IcebergTables.P_TIMESERIES_KEY, t));
    props.put(IcebergTables.P_INGESTION_TIME, String.valueOf(spec.ingestionTime()));
    props.put(IcebergTables.P_CREATED_AT, String.valueOf(now));
    props.put(IcebergTables.P_CREATED_BY, owner);
    props.put(IcebergTables.P_OWNER, owner);
    spec.comment().filter(c -> !c.isEmpty()).ifPresent(c -> props.put(IcebergTables.P_COMMENT, c));
    PartitionSpec partitioning = PartitionSpec.unpartitioned();
    if (partitionColumn.isPresent()) {
      partitioning = PartitionSpec.builderFor(schema).identity(partitionColumn.get()).build();
      // a commit that meets a concurrent one fails instead of being re-applied on top of it: the
      // writer of a log table checks its resume point against the snapshot it commits on
      props.put(TableProperties.COMMIT_NUM_RETRIES, "0");
    }
    String location = iceberg.warehouse().resolve("tables").resolve(tableId).toString();
    TableIdentifier tid = IcebergTables.id(cat, sch, name);
    try {
      Transaction tx =
          iceberg
              .catalog()
              .buildTable(tid, schema)
              .withPartitionSpec(partitioning)
              .withLocation(location)
              .withProperties(props)
              .createTransaction();
      tx.newAppend().commit(); // an empty first snapshot
      tx.commitTransaction();
    } catch (AlreadyExistsException e) {
      throw new KeelException(
          ErrorCode.ALREADY_EXISTS, "Table already exists: " + cat + "." + sch + "." + name);
    }
  }

  TableInfo get(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    return info(p[0], p[1], p[2], iceberg.table(p));
  }

  Page<TableInfo> list(
      String catalogName,
      String schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    String cat = Names.check("catalog_name", catalogName);
    String sch = Names.check("schema_name", schemaName);
    int limit = pageSize(maxResults);
    Optional<String> after = PageToken.after(pageToken);
    if (after.isPresent()) {
      try {
        after = Optional.of(Names.check("page_token", after.get()));
      } catch (KeelException e) {
        throw Errors.invalid("Invalid 'page_token': it is not one this server handed out.");
      }
    }
    catalog.getSchema(cat + "." + sch);
    String namespace = cat + "." + sch;
    String afterName = after.orElse("");
    // cat and sch passed Names.check: letters, digits, _ @ - only, safe as SQL literals
    GrantSql visible =
        GrantSql.visible(
            viewer,
            SecurableType.TABLE,
            "'" + cat + "'",
            "'" + namespace + "'",
            "(table_namespace || '.' || table_name)",
            null);
    List<String> names =
        db.read(
            h -> {
              org.jdbi.v3.core.statement.Query q =
                  h.createQuery(
                      "SELECT table_name FROM iceberg_tables WHERE catalog_name = ?"
                          + " AND table_namespace = ? AND table_name > ?"
                          + " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL) AND "
                          + visible.sql()
                          + " ORDER BY table_name LIMIT ?");
              int i = 0;
              q.bind(i++, IcebergTables.CATALOG);
              q.bind(i++, namespace);
              q.bind(i++, afterName);
              for (Object b : visible.binds()) {
                q.bind(i++, b);
              }
              q.bind(i, limit + 1);
              return q.mapTo(String.class).list();
            });
    List<TableInfo> items = new ArrayList<>();
    for (String n : names.subList(0, Math.min(limit, names.size()))) {
      iceberg
          .load(IcebergTables.id(cat, sch, n))
          .ifPresent(t -> items.add(info(cat, sch, n, t))); // dropped meanwhile: skip
    }
    Optional<String> next =
        names.size() > limit
            ? Optional.of(PageToken.ofName(names.get(limit - 1)))
            : Optional.empty();
    return new Page<>(items, next);
  }

  void delete(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    String location = t.location();
    if (!iceberg.catalog().dropTable(IcebergTables.id(p[0], p[1], p[2]), false)) {
      throw IcebergTables.notFound(p);
    }
    owners.deleteTableOwner(String.join(".", p)); // and the grants on it
    iceberg.deleteTableDir(location);
  }

  private TableInfo info(String cat, String sch, String name, Table t) {
    Map<String, String> props = t.properties();
    TableMeta m = TableMeta.of(t);
    Map<String, String> user = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (!k.startsWith("keel.") && !IcebergTables.SYSTEM_PROPERTIES.contains(k)) {
            user.put(k, v);
          }
        });
    long createdAt = Long.parseLong(props.getOrDefault(IcebergTables.P_CREATED_AT, "0"));
    long updatedAt =
        t instanceof org.apache.iceberg.HasTableOperations h
            ? h.operations().current().lastUpdatedMillis()
            : createdAt;
    return new TableInfo(
        props.getOrDefault(IcebergTables.P_TABLE_ID, ""),
        cat,
        sch,
        name,
        IcebergTables.columns(t.schema()),
        m.primaryKeys(),
        m.timeseriesKey(),
        m.ingestionTime(),
        Optional.ofNullable(props.get(IcebergTables.P_COMMENT)),
        user,
        IcebergTables.localPath(t.location()).toUri().toString(),
        props.getOrDefault(IcebergTables.P_OWNER, CatalogService.PRINCIPAL),
        createdAt,
        props.getOrDefault(IcebergTables.P_CREATED_BY, CatalogService.PRINCIPAL),
        Math.max(createdAt, updatedAt),
        CatalogService.PRINCIPAL);
  }

  private static int pageSize(OptionalLong maxResults) {
    if (maxResults.isEmpty() || maxResults.getAsLong() == 0) {
      return CatalogService.MAX_PAGE;
    }
    long m = maxResults.getAsLong();
    if (m < 0) {
      throw Errors.invalid("'max_results' must be greater than or equal to 0 (got " + m + ").");
    }
    return (int) Math.min(m, CatalogService.MAX_PAGE);
  }
}
