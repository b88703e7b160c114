package dev.keel.tables;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Iceberg plumbing: the JdbcCatalog on Keel's metadata database, type mapping between {@link
 * ColumnType} and Iceberg, and registering DuckDB-written Parquet files as data files.
 */
final class IcebergTables implements AutoCloseable {
  /** The Iceberg catalog name under which Keel's tables are recorded in {@code iceberg_tables}. */
  static final String CATALOG = "keel";

  static final String INGESTED_AT = "_ingested_at";
  static final String P_TABLE_ID = "keel.table-id";
  static final String P_PRIMARY_KEYS = "keel.primary-keys";
  static final String P_TIMESERIES_KEY = "keel.timeseries-key";
  static final String P_INGESTION_TIME = "keel.ingestion-time";
  static final String P_CREATED_AT = "keel.created-at";
  static final String P_CREATED_BY = "keel.created-by";
  static final String P_OWNER = "keel.owner";
  static final String P_COMMENT = "comment";
  static final String NAME_MAPPING = "schema.name-mapping.default";

  /** Iceberg properties that are not user properties (Iceberg sets the codec on new tables). */
  static final Set<String> SYSTEM_PROPERTIES =
      Set.of(P_COMMENT, NAME_MAPPING, "format-version", "write.parquet.compression-codec");

  private final JdbcCatalog catalog;
  private final Path warehouse;

  IcebergTables(Database db, Path dataDir) {
    this.warehouse = dataDir.resolve("warehouse").toAbsolutePath().normalize();
    try {
      Files.createDirectories(warehouse);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot create the warehouse: " + e.getMessage(), e);
    }
    Map<String, String> props = new HashMap<>();
    props.put("uri", db.jdbcUrl());
    props.put("warehouse", warehouse.toString());
    props.put("jdbc.schema-version", "V1");
    // Keel's migration V5 creates the catalog tables in Keel's own schema.
    props.put("jdbc.init-catalog-tables", "false");
    if (db.dialect() == Dialect.POSTGRESQL) {
      // Iceberg's own connection pool reconnects and retries once on these SQLStates (besides
      // 08000/08003/08006/08007): a pooled connection that PostgreSQL terminated on a restart
      // (57P01) must not fail the first table operation after it.
      props.put("retryable_status_codes", "57P01,57P02,57P03,08001,08004");
      // A database that is down fails a table operation within seconds (503), not after 10 s.
      props.put("jdbc.connectTimeout", "2");
      props.put("jdbc.loginTimeout", "2");
    }
    if (db.dialect() == Dialect.SQLITE) {
      // Keel's single writer connection may hold the write lock: wait for it instead of failing.
      props.put("jdbc.busy_timeout", "60000");
      // A commit is on disk before the write is acknowledged, as for the rest of Keel's metadata.
      props.put("jdbc.synchronous", "FULL");
    }
    // Plain file access for the local warehouse: Hadoop's local file system forks a chmod per file
    // it creates and writes a .crc beside it (see LocalFileIO).
    props.put("io-impl", LocalFileIO.class.getName());
    JdbcCatalog c = new JdbcCatalog();
    c.setConf(new Configuration());
    c.initialize(CATALOG, props);
    this.catalog = c;
  }

  JdbcCatalog catalog() {
    return catalog;
  }

  Path warehouse() {
    return warehouse;
  }

  static TableIdentifier id(String catalogName, String schemaName, String name) {
    return TableIdentifier.of(Namespace.of(catalogName, schemaName), name);
  }

  Optional<Table> load(TableIdentifier id) {
    try {
      return Optional.of(catalog.loadTable(id));
    } catch (org.apache.iceberg.exceptions.NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /** The table named by the three parts of {@code p}, or NOT_FOUND. */
  Table table(String[] p) {
    return load(id(p[0], p[1], p[2])).orElseThrow(() -> notFound(p));
  }

  static KeelException notFound(String[] p) {
    return new KeelException(ErrorCode.NOT_FOUND, "Table not found: " + String.join(".", p));
  }

  // ------------------------------------------------------------------ types

  /**
   * The Iceberg type of {@code t}; nested fields take their ids from {@code nextId} (Iceberg
   * assigns fresh ids when it creates the table, so they only need to be unique in the schema).
   */
  static Type icebergType(ColumnType t, java.util.function.IntSupplier nextId) {
    return switch (t.kind()) {
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case STRING -> Types.StringType.get();
      case DATE -> Types.DateType.get();
      case TIMESTAMP -> Types.TimestampType.withZone();
      case BINARY -> Types.BinaryType.get();
      case DECIMAL -> Types.DecimalType.of(t.precision(), t.scale());
      case STRUCT -> {
        List<Types.NestedField> fields = new ArrayList<>();
        for (ColumnType.Field f : t.fields()) {
          fields.add(
              Types.NestedField.builder()
                  .isOptional(f.nullable())
                  .withId(nextId.getAsInt())
                  .withName(f.name())
                  .ofType(icebergType(f.type(), nextId))
                  .build());
        }
        yield Types.StructType.of(fields);
      }
      case ARRAY -> {
        int id = nextId.getAsInt();
        Type element = icebergType(t.elementType(), nextId);
        yield t.containsNull()
            ? Types.ListType.ofOptional(id, element)
            : Types.ListType.ofRequired(id, element);
      }
      case MAP -> {
        int keyId = nextId.getAsInt();
        int valueId = nextId.getAsInt();
        Type key = icebergType(t.keyType(), nextId);
        Type value = icebergType(t.valueType(), nextId);
        yield t.valueContainsNull()
            ? Types.MapType.ofOptional(keyId, valueId, key, value)
            : Types.MapType.ofRequired(keyId, valueId, key, value);
      }
    };
  }

  static ColumnType columnType(Type t) {
    return switch (t.typeId()) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case INTEGER -> ColumnType.INT;
      case LONG -> ColumnType.LONG;
      case FLOAT -> ColumnType.FLOAT;
      case DOUBLE -> ColumnType.DOUBLE;
      case STRING -> ColumnType.STRING;
      case DATE -> ColumnType.DATE;
      case TIMESTAMP -> {
        if (!((Types.TimestampType) t).shouldAdjustToUTC()) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR,
              "table has a timestamp without zone, which Keel never writes");
        }
        yield ColumnType.TIMESTAMP;
      }
      case BINARY -> ColumnType.BINARY;
      case DECIMAL ->
          ColumnType.decimal(((Types.DecimalType) t).precision(), ((Types.DecimalType) t).scale());
      case STRUCT -> {
        List<ColumnType.Field> fields = new ArrayList<>();
        for (Types.NestedField f : t.asStructType().fields()) {
          fields.add(new ColumnType.Field(f.name(), columnType(f.type()), f.isOptional()));
        }
        yield ColumnType.struct(fields);
      }
      case LIST -> {
        Types.ListType l = t.asListType();
        yield ColumnType.array(columnType(l.elementType()), l.isElementOptional());
      }
      case MAP -> {
        Types.MapType m = t.asMapType();
        yield ColumnType.map(
            columnType(m.keyType()), columnType(m.valueType()), m.isValueOptional());
      }
      default -> throw new KeelException(ErrorCode.INTERNAL_ERROR, "unsupported Iceberg type " + t);
    };
  }

  /** Keel columns of an Iceberg schema, in order. */
  static List<Column> columns(org.apache.iceberg.Schema schema) {
    List<Column> out = new ArrayList<>();
    for (Types.NestedField f : schema.columns()) {
      out.add(
          new Column(f.name(), columnType(f.type()), f.isOptional(), Optional.ofNullable(f.doc())));
    }
    return out;
  }

  static String nameMappingJson(org.apache.iceberg.Schema schema) {
    return NameMappingParser.toJson(MappingUtil.create(schema));
  }

  // ------------------------------------------------------------------ data files

  /** Registers a Parquet file written by DuckDB (with field ids) as a data file of {@code t}. */
  static DataFile dataFile(Table t, String path) {
    return dataFile(t, path, null);
  }

  /**
   * As above, for a partitioned table: {@code partitionPath} is the file's partition as Iceberg
   * writes it in paths ({@code event_date=2026-12-07}); null for an unpartitioned table.
   */
  static DataFile dataFile(Table t, String path, String partitionPath) {
    InputFile in = t.io().newInputFile(path);
    NameMapping mapping = MappingUtil.create(t.schema());
    Metrics metrics;
    // The footer read without Hadoop: ParquetUtil.fileMetrics builds a new Hadoop Configuration
    // per file, which parses Hadoop's default XML resources each time.
    try (ParquetFileReader r =
        ParquetFileReader.open(
            new LocalInputFile(LocalFileIO.path(path)),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      metrics =
          ParquetUtil.footerMetrics(
              r.getFooter(), Stream.empty(), MetricsConfig.forTable(t), mapping);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the footer of " + path, e);
    }
    DataFiles.Builder b =
        DataFiles.builder(t.spec())
            .withInputFile(in)
            .withFormat(org.apache.iceberg.FileFormat.PARQUET)
            .withMetrics(metrics);
    if (partitionPath != null) {
      b.withPartitionPath(partitionPath);
    }
    return b.build();
  }

  /**
   * Refuses to write {@code t} as an ordinary table when it is partitioned: only {@link LogTables}
   * writes partitioned tables (one file per partition value).
   */
  static void checkUnpartitioned(Table t, String[] p) {
    if (t.spec().isPartitioned()) {
      throw Errors.invalid(
          "Table "
              + String.join(".", p)
              + " is an append-only log partitioned by "
              + t.spec().fields().get(0).name()
              + "; only its server-side writer adds rows to it.");
    }
  }

  /** A local path of a data file location ({@code file:} URIs and plain paths). */
  static Path localPath(String location) {
    if (location.startsWith("file://")) {
      return Path.of(java.net.URI.create(location));
    }
    if (location.startsWith("file:")) {
      return Path.of(location.substring("file:".length()));
    }
    return Path.of(location);
  }

  /** Deletes a table directory, only when it lies inside the warehouse (best effort). */
  void deleteTableDir(String location) {
    Path dir = localPath(location).toAbsolutePath().normalize();
    if (!dir.startsWith(warehouse) || dir.equals(warehouse)) {
      return;
    }
    deleteTree(dir);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // leftovers of a deleted table are harmless: locations are never reused
    }
  }

  static List<String> splitKeys(String value) {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(value.split(","));
  }

  @Override
  public void close() {
    catalog.close();
  }
}
