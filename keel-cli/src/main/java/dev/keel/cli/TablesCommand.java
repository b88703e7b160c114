package dev.keel.cli;

import dev.keel.client.DataJson;
import dev.keel.client.ExpireResult;
import dev.keel.client.FileFormat;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.NewTable;
import dev.keel.client.OptimizeResult;
import dev.keel.client.Preview;
import dev.keel.client.RemovedFiles;
import dev.keel.client.Snapshot;
import dev.keel.client.TableInfo;
import dev.keel.client.TableRead;
import dev.keel.client.TablesClient;
import dev.keel.client.WriteMode;
import dev.keel.client.WriteResult;
import dev.keel.core.Page;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel tables ...}: Iceberg tables in the catalog: create, write, read, history. */
@Command(
    name = "tables",
    aliases = "table",
    description = "Create, write, read and time-travel tables (catalog.schema.table).",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class TablesCommand {

  @Command(
      name = "create",
      description = "Create a table (the schema must exist).",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME", description = "catalog.schema.table") String fullName,
      @Option(
              names = "--column",
              paramLabel = "NAME:TYPE",
              required = true,
              description =
                  "A column, in order (repeatable); types: BOOLEAN, INT, LONG, FLOAT, DOUBLE,"
                      + " DECIMAL(p,s), STRING, BINARY, DATE, TIMESTAMP.")
          List<String> columns,
      @Option(
              names = "--primary-key",
              paramLabel = "COLUMN",
              split = ",",
              description = "Primary key column(s) (repeatable or comma-separated).")
          List<String> primaryKeys,
      @Option(names = "--timeseries-key", paramLabel = "COLUMN", description = "Event-time column.")
          String timeseriesKey,
      @Option(names = "--ingestion-time", description = "Keep a hidden ingestion-time column.")
          boolean ingestionTime,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              defaultValue = "",
              description = "A comment.")
          String comment,
      @Option(
              names = {"-p", "--property"},
              paramLabel = "KEY=VALUE",
              description = "A table property (repeatable).")
          LinkedHashMap<String, String> properties) {
    NewTable spec =
        NewTable.of(fullName, DataOptions.columns(columns))
            .withPrimaryKeys(
                (primaryKeys == null ? List.<String>of() : primaryKeys).toArray(String[]::new))
            .withIngestionTime(ingestionTime)
            .withComment(comment)
            .withProperties(properties == null ? java.util.Map.of() : properties);
    if (timeseriesKey != null) {
      spec = spec.withTimeseriesKey(timeseriesKey);
    }
    try (KeelClient client = opts.client()) {
      TableInfo t = client.tables().create(spec);
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> out.line("Created table '" + t.fullName() + "'."));
    }
    return 0;
  }

  @Command(
      name = "get",
      description = "Show a table and its columns.",
      mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      TableInfo t = client.tables().get(fullName);
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> describe(out, t));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List the tables of a schema (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "CATALOG.SCHEMA") String schema,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N tables.")
          int maxResults,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print (from a previous --max-results listing).")
          String pageToken) {
    String[] cs = schema.split("\\.", -1);
    if (cs.length != 2) {
      throw new IllegalArgumentException("'" + schema + "': expected CATALOG.SCHEMA");
    }
    if (maxResults < 0) {
      throw new IllegalArgumentException("--max-results must not be negative");
    }
    try (KeelClient client = opts.client()) {
      List<TableInfo> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<TableInfo> page = client.tables().list(cs[0], cs[1], maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.tables().listAll(cs[0], cs[1]);
      }
      Output out = opts.out();
      out.print(
          KeelJson.list(items, DataJson::toJson),
          () ->
              out.table(
                  List.of("NAME", "COLUMNS", "PRIMARY KEYS", "COMMENT", "UPDATED"),
                  items.stream()
                      .map(
                          t ->
                              List.of(
                                  t.fullName(),
                                  Integer.toString(t.columns().size()),
                                  String.join(",", t.primaryKeys()),
                                  t.comment(),
                                  Output.time(t.updatedAt())))
                      .toList(),
                  "No tables."));
      if (!next.isEmpty()) {
        out.hint("More tables: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Delete a table and its data.",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      client.tables().delete(fullName);
      opts.out().done("Deleted table '" + fullName + "'.");
    }
    return 0;
  }

  @Command(
      name = "write",
      description =
          "Write a local CSV (with header), Parquet or newline-delimited JSON file, or JSON rows.",
      mixinStandardHelpOptions = true)
  int write(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = {"-f", "--file"},
              paramLabel = "FILE",
              description = "The file to upload (.csv, .parquet, .json).")
          Path file,
      @Option(
              names = "--format",
              paramLabel = "FORMAT",
              description =
                  "The file's format if its extension does not tell: ${COMPLETION-CANDIDATES}.")
          FileFormat format,
      @Option(
              names = "--rows",
              paramLabel = "JSON",
              description = "Rows as a JSON array of objects, e.g. '[{\"id\": 1}]'.")
          String rows,
      @Option(
              names = {"-m", "--mode"},
              paramLabel = "MODE",
              defaultValue = "append",
              description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
          WriteMode mode) {
    if ((file == null) == (rows == null)) {
      throw new IllegalArgumentException("give either --file or --rows");
    }
    try (KeelClient client = opts.client()) {
      TablesClient tables = client.tables();
      WriteResult r =
          file != null
              ? tables.writeFile(
                  fullName, mode, file, format != null ? format : FileFormat.of(file))
              : tables.writeRows(
                  fullName, mode, DataJson.rows(DataOptions.json(rows, null, "--rows")));
      Output out = opts.out();
      out.print(DataJson.toJson(r), () -> out.line(written(fullName, r)));
    }
    return 0;
  }

  static String written(String table, WriteResult r) {
    return "Wrote "
        + r.rowsAdded()
        + " rows to '"
        + table
        + "'"
        + (r.rowsDeleted() > 0 ? " (" + r.rowsDeleted() + " replaced or removed)" : "")
        + ", snapshot "
        + r.snapshotId()
        + ".";
  }

  @Command(
      name = "read",
      aliases = "preview",
      description = "Print rows of the latest version, a snapshot, or the version as of a time.",
      mixinStandardHelpOptions = true)
  int read(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = {"-n", "--limit"},
              paramLabel = "N",
              defaultValue = "20",
              description = "At most N rows (default: ${DEFAULT-VALUE}).")
          int limit,
      @Option(
              names = "--columns",
              paramLabel = "A,B",
              description = "Only these columns (comma-separated).")
          String columns,
      @Option(names = "--snapshot-id", paramLabel = "ID", description = "Read this snapshot.")
          Long snapshotId,
      @Option(
              names = "--as-of",
              paramLabel = "TIME",
              description =
                  "Read the version current at this ISO-8601 instant (e.g. 2024-05-01T12:00:00Z).")
          String asOf) {
    if (limit < 0 || limit > MAX_READ) {
      throw new IllegalArgumentException(
          "--limit must be 0 to "
              + MAX_READ
              + " (got "
              + limit
              + "); for every row use 'keel tables export "
              + fullName
              + " --format csv|parquet --dest FILE'");
    }
    TableRead read = version(TableRead.latest(limit), snapshotId, asOf);
    read = read.withColumns(DataOptions.names(columns).toArray(String[]::new));
    try (KeelClient client = opts.client()) {
      Preview p = client.tables().preview(fullName, read);
      // A full page may be the whole table or a part of it: the snapshot's count tells.
      long total =
          p.rows().size() == limit
              ? client.tables().count(fullName, TableRead.latest(0).atSnapshot(p.snapshotId()))
              : p.rows().size();
      Output out = opts.out();
      out.print(
          DataJson.toJson(p),
          () -> {
            out.table(
                p.columnNames(),
                p.rows().stream().map(r -> r.stream().map(DataOptions::cell).toList()).toList(),
                "No rows.");
            out.hint(p.rows().size() + " rows of snapshot " + p.snapshotId() + ".");
          });
      if (total > p.rows().size()) {
        out.hint(
            "Truncated: showed "
                + p.rows().size()
                + " of "
                + total
                + " rows (--limit "
                + limit
                + ", at most "
                + MAX_READ
                + "). For every row: keel tables export "
                + fullName
                + " --format csv|parquet --dest FILE");
      }
    }
    return 0;
  }

  /** Most rows {@code tables read} prints (the server's preview limit). */
  static final int MAX_READ = 10_000;

  /** Formats {@code tables export} writes. */
  enum ExportFormat {
    csv,
    parquet
  }

  @Command(
      name = "export",
      description = {
        "Write every row of the latest version, a snapshot, or the version as of a time to a local"
            + " CSV (with header) or Parquet file (no row limit; streamed, never held in memory).",
        "The file is replaced only once it has fully arrived."
      },
      mixinStandardHelpOptions = true)
  int export(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = "--format",
              paramLabel = "FORMAT",
              description = "${COMPLETION-CANDIDATES} (default: from the --dest file's extension).")
          ExportFormat format,
      @Option(
              names = {"-d", "--dest", "--output-file"},
              paramLabel = "FILE",
              required = true,
              description =
                  "The file to write (replaced if it exists; -o/--output is the answer's format).")
          Path output,
      @Option(
              names = "--columns",
              paramLabel = "A,B",
              description = "Only these columns (comma-separated).")
          String columns,
      @Option(names = "--snapshot-id", paramLabel = "ID", description = "Export this snapshot.")
          Long snapshotId,
      @Option(
              names = "--as-of",
              paramLabel = "TIME",
              description =
                  "Export the version current at this ISO-8601 instant (e.g. 2024-05-01T12:00:00Z).")
          String asOf) {
    FileFormat f = exportFormat(format, output);
    TableRead read = version(TableRead.latest(0), snapshotId, asOf);
    read = read.withColumns(DataOptions.names(columns).toArray(String[]::new));
    try (KeelClient client = opts.client()) {
      long snapshot = client.tables().export(fullName, read, f, output);
      Output out = opts.out();
      out.print(
          KeelJson.object()
              .put("table", fullName)
              .put("snapshot_id", snapshot)
              .put("format", f.name().toLowerCase(java.util.Locale.ROOT))
              .put("output", output.toString()),
          () ->
              out.line(
                  "Exported snapshot "
                      + snapshot
                      + " of '"
                      + fullName
                      + "' to "
                      + output
                      + " ("
                      + f.name().toLowerCase(java.util.Locale.ROOT)
                      + ")."));
    }
    return 0;
  }

  /** The format named by {@code --format}, else by the output file's extension. */
  private static FileFormat exportFormat(ExportFormat format, Path output) {
    if (format != null) {
      return format == ExportFormat.csv ? FileFormat.CSV : FileFormat.PARQUET;
    }
    String n = output.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".csv")) {
      return FileFormat.CSV;
    }
    if (n.endsWith(".parquet")) {
      return FileFormat.PARQUET;
    }
    throw new IllegalArgumentException(
        "--format is required: '" + output + "' does not end in .csv or .parquet");
  }

  /** {@code read} at the snapshot or time given (at most one), else at the latest version. */
  private static TableRead version(TableRead read, Long snapshotId, String asOf) {
    if (snapshotId != null && asOf != null) {
      throw new IllegalArgumentException("give --snapshot-id or --as-of, not both");
    }
    if (snapshotId != null) {
      return read.atSnapshot(snapshotId);
    }
    if (asOf != null) {
      try {
        return read.asOf(Instant.parse(asOf));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--as-of '" + asOf + "': expected an ISO-8601 instant such as 2024-05-01T12:00:00Z");
      }
    }
    return read;
  }

  @Command(
      name = "count",
      description = "Count the rows of the latest version, a snapshot, or as of a time.",
      mixinStandardHelpOptions = true)
  int count(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(names = "--snapshot-id", paramLabel = "ID", description = "Count this snapshot.")
          Long snapshotId) {
    TableRead read = TableRead.latest(0);
    if (snapshotId != null) {
      read = read.atSnapshot(snapshotId);
    }
    try (KeelClient client = opts.client()) {
      long n = client.tables().count(fullName, read);
      Output out = opts.out();
      out.print(KeelJson.object().put("count", n), () -> out.line(Long.toString(n)));
    }
    return 0;
  }

  @Command(
      name = "history",
      description = "List a table's snapshots, newest first.",
      mixinStandardHelpOptions = true)
  int history(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      List<Snapshot> h = client.tables().history(fullName);
      Output out = opts.out();
      out.print(
          DataJson.toJson(h),
          () ->
              out.table(
                  List.of(
                      "SNAPSHOT",
                      "COMMITTED",
                      "OPERATION",
                      "ADDED",
                      "DELETED",
                      "TOTAL ROWS",
                      "UNIQUE KEY"),
                  h.stream()
                      .map(
                          s ->
                              List.of(
                                  Long.toString(s.snapshotId()),
                                  s.committedAt().toString(),
                                  s.operation(),
                                  Long.toString(s.addedRows()),
                                  Long.toString(s.deletedRows()),
                                  Long.toString(s.totalRows()),
                                  s.primaryKeyUnique() ? "yes" : "-"))
                      .toList(),
                  "No snapshots."));
    }
    return 0;
  }

  @Command(
      name = "optimize",
      description = {
        "Rewrite a table's data files as one file sorted by its primary key (rows do not change)"
            + " and mark the key unique if no two rows share it: point-in-time lookups into a"
            + " marked table are faster. Nothing is written if the table is already one file"
            + " (marked, without a key, or optimized)."
      },
      mixinStandardHelpOptions = true)
  int optimize(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      OptimizeResult r = client.tables().optimize(fullName);
      Output out = opts.out();
      out.print(
          DataJson.toJson(r),
          () ->
              out.line(
                  r.filesAdded() == 0
                      ? "Nothing to do: "
                          + fullName
                          + " is "
                          + (r.rows() == 0 ? "empty" : "one file")
                          + (r.primaryKeyUnique() ? ", primary key unique." : ".")
                      : "Optimized "
                          + fullName
                          + ": "
                          + r.filesRemoved()
                          + " files -> 1, "
                          + r.rows()
                          + " rows, snapshot "
                          + r.snapshotId()
                          + (r.primaryKeyUnique() ? ", primary key unique." : ".")));
    }
    return 0;
  }

  @Command(
      name = "remove-orphans",
      description = {
        "Remove the table's data files that no snapshot holds and the Iceberg metadata files its"
            + " history does not reach: files left by writes and commits that were killed or"
            + " failed before they completed (a server also does this for every table"
            + " when it starts, for files older than an hour). Only files older than the table's"
            + " last commit and than --older-than are removed. Rows do not change."
      },
      mixinStandardHelpOptions = true)
  int removeOrphans(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = "--older-than",
              defaultValue = "1h",
              paramLabel = "AGE",
              description =
                  "Only files older than this: 90s, 30m, 1h, 2d (at least 1m; default 1h): a"
                      + " younger file may belong to a write about to commit.")
          String olderThan) {
    java.time.Duration age = age("--older-than", olderThan);
    try (KeelClient client = opts.client()) {
      RemovedFiles r = client.tables().removeOrphans(fullName, age);
      Output out = opts.out();
      out.print(
          DataJson.toJson(r),
          () -> {
            r.files().forEach(out::line);
            out.line(
                "Removed "
                    + r.files().size()
                    + " orphaned file(s) of "
                    + fullName
                    + " ("
                    + r.bytes()
                    + " bytes).");
          });
    }
    return 0;
  }

  @Command(
      name = "expire-snapshots",
      description = {
        "Expire the table's snapshots committed before --older-than, keeping the --retain-last"
            + " newest (the current snapshot always stays), and delete the data files only the"
            + " expired snapshots held. Time travel to an expired snapshot fails afterwards."
      },
      mixinStandardHelpOptions = true)
  int expireSnapshots(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = "--older-than",
              required = true,
              paramLabel = "AGE|INSTANT",
              description =
                  "Expire snapshots older than this: an age (7d, 12h, 30m) or an ISO-8601 instant"
                      + " (2024-05-01T00:00:00Z).")
          String olderThan,
      @Option(
              names = "--retain-last",
              defaultValue = "1",
              paramLabel = "N",
              description = "Keep at least the N newest snapshots whatever their age (default 1).")
          int retainLast) {
    Instant cutoff;
    try {
      cutoff = Instant.parse(olderThan);
    } catch (DateTimeParseException e) {
      cutoff = Instant.now().minus(age("--older-than", olderThan));
    }
    try (KeelClient client = opts.client()) {
      ExpireResult r = client.tables().expireSnapshots(fullName, cutoff, retainLast);
      Output out = opts.out();
      out.print(
          DataJson.toJson(r),
          () ->
              out.line(
                  "Expired "
                      + r.snapshotsExpired()
                      + " snapshot(s) of "
                      + fullName
                      + "; "
                      + r.snapshotsLeft()
                      + " left, "
                      + r.filesDeleted()
                      + " data file(s) deleted."));
    }
    return 0;
  }

  /** An age such as {@code 90s}, {@code 30m}, {@code 1h} or {@code 2d}. */
  static java.time.Duration age(String option, String value) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option
              + " '"
              + value
              + "': expected an age such as 90s, 30m, 1h or 2d"
              + (option.equals("--older-than") ? " (or, for expire-snapshots, an instant)" : ""));
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }

  private static void describe(Output out, TableInfo t) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Name", t.fullName()});
    f.add(new String[] {"Comment", t.comment()});
    f.add(new String[] {"Primary keys", String.join(", ", t.primaryKeys())});
    f.add(new String[] {"Timeseries key", t.timeseriesKey().orElse("")});
    f.add(new String[] {"Format", t.dataSourceFormat()});
    f.add(new String[] {"Owner", t.owner()});
    f.add(new String[] {"Created", Output.time(t.createdAt()) + " by " + t.createdBy()});
    f.add(new String[] {"Location", t.storageLocation()});
    out.fields(f);
    out.line("");
    out.table(
        List.of("COLUMN", "TYPE", "NULLABLE", "COMMENT"),
        t.columns().stream()
            .map(
                c ->
                    List.of(
                        c.name(),
                        c.typeText(),
                        Boolean.toString(c.nullable()),
                        c.comment().orElse("")))
            .toList(),
        "");
    CatalogsCommand.properties(out, t.properties());
  }
}
