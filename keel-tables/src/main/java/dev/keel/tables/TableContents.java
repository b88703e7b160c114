package dev.keel.tables;

import dev.keel.catalog.SchemaContents;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Tables as the contents of schemas, for {@code JdbcCatalogStore}: a schema or catalog that holds
 * tables is deleted only with {@code force}, which drops them (their Iceberg catalog rows in the
 * transaction, their directories afterwards); renaming a catalog or schema moves its tables to the
 * new namespace. Works directly on Iceberg's {@code iceberg_tables} rows with the catalog store's
 * handle, because Iceberg's own connection must not write while that transaction holds the lock.
 * Table directories are keyed by table id, so they never move.
 */
public final class TableContents implements SchemaContents {
  private final Path warehouse;

  TableContents(Path warehouse) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
  }

  @Override
  public String kind() {
    return "table(s)";
  }

  /** SQL condition selecting the namespaces of {@code catalog} (or one schema): binds 2 values. */
  private static String where(Optional<String> schema) {
    return schema.isPresent()
        ? "catalog_name = ? AND table_namespace = ?"
        : "catalog_name = ? AND substr(table_namespace, 1, length(CAST(? AS TEXT))) = ?";
  }

  private static Object[] args(String catalog, Optional<String> schema) {
    return schema.isPresent()
        ? new Object[] {IcebergTables.CATALOG, catalog + "." + schema.get()}
        : new Object[] {IcebergTables.CATALOG, catalog + ".", catalog + "."};
  }

  @Override
  public long count(Handle h, String catalog, Optional<String> schema) {
    var q = h.createQuery("SELECT COUNT(*) FROM iceberg_tables WHERE " + where(schema));
    Object[] a = args(catalog, schema);
    for (int i = 0; i < a.length; i++) {
      q.bind(i, a[i]);
    }
    return q.mapTo(Long.class).one();
  }

  @Override
  public Runnable delete(Handle h, String catalog, Optional<String> schema) {
    Object[] a = args(catalog, schema);
    var q = h.createQuery("SELECT metadata_location FROM iceberg_tables WHERE " + where(schema));
    for (int i = 0; i < a.length; i++) {
      q.bind(i, a[i]);
    }
    List<String> metadata = q.mapTo(String.class).list();
    h.execute("DELETE FROM iceberg_tables WHERE " + where(schema), a);
    return () -> {
      for (String m : metadata) {
        if (m == null) {
          continue;
        }
        // <table location>/metadata/<n>.metadata.json
        Path table =
            IcebergTables.localPath(m).toAbsolutePath().normalize().getParent().getParent();
        if (table != null && table.startsWith(warehouse) && !table.equals(warehouse)) {
          IcebergTables.deleteTree(table);
        }
      }
    };
  }

  @Override
  public void rename(Handle h, String catalog, Optional<String> schema, String newName) {
    if (schema.isPresent()) {
      h.execute(
          "UPDATE iceberg_tables SET table_namespace = ? WHERE catalog_name = ?"
              + " AND table_namespace = ?",
          catalog + "." + newName,
          IcebergTables.CATALOG,
          catalog + "." + schema.get());
    } else {
      String prefix = catalog + ".";
      h.execute(
          "UPDATE iceberg_tables SET table_namespace = CAST(? AS TEXT) || substr(table_namespace, ?)"
              + " WHERE catalog_name = ? AND substr(table_namespace, 1, ?) = ?",
          newName + ".",
          prefix.length() + 1,
          IcebergTables.CATALOG,
          prefix.length(),
          prefix);
    }
  }
}
