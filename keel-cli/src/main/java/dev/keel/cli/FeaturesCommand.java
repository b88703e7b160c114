package dev.keel.cli;

import dev.keel.client.DataJson;
import dev.keel.client.FeatureInfo;
import dev.keel.client.FeatureMetadata;
import dev.keel.client.FeatureTableInfo;
import dev.keel.client.FileFormat;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.NewTable;
import dev.keel.client.WriteMode;
import dev.keel.client.WriteResult;
import dev.keel.core.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel features ...}: feature tables (tables with keys plus feature metadata). */
@Command(
    name = "features",
    aliases = "feature-tables",
    description = "Create, register, describe, update and write feature tables.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class FeaturesCommand {

  /** Metadata options shared by create, register and update. */
  static final class Meta {
    @Option(
        names = {"-d", "--description"},
        paramLabel = "TEXT",
        description = "A description.")
    String description;

    @Option(
        names = {"-t", "--tag"},
        paramLabel = "KEY=VALUE",
        description = "A tag (repeatable; on update, replaces all tags).")
    LinkedHashMap<String, String> tags;

    @Option(
        names = "--max-age-seconds",
        paramLabel = "N",
        description = "Default max age of the features online.")
    Long maxAgeSeconds;

    FeatureMetadata metadata() {
      return DataOptions.metadata(description, tags, maxAgeSeconds);
    }
  }

  @Command(
      name = "create",
      description = "Create a table and make it a feature table.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME", description = "catalog.schema.table") String fullName,
      @Option(
              names = "--column",
              paramLabel = "NAME:TYPE",
              required = true,
              description = "A column, in order (repeatable).")
          List<String> columns,
      @Option(
              names = "--primary-key",
              paramLabel = "COLUMN",
              split = ",",
              required = true,
              description = "Primary key column(s), incl. the timeseries key if any.")
          List<String> primaryKeys,
      @Option(names = "--timeseries-key", paramLabel = "COLUMN", description = "Event-time column.")
          String timeseriesKey,
      @Option(
              names = "--creation-time-column",
              paramLabel = "COLUMN",
              description =
                  "A TIMESTAMP column (not a key) holding when each row was created; it breaks"
                      + " event-time ties and drives the availability filter instead of"
                      + " _ingested_at.")
          String creationTimeColumn,
      @Mixin Meta meta) {
    NewTable spec =
        NewTable.of(fullName, DataOptions.columns(columns))
            .withPrimaryKeys(primaryKeys.toArray(String[]::new));
    if (timeseriesKey != null) {
      spec = spec.withTimeseriesKey(timeseriesKey);
    }
    try (KeelClient client = opts.client()) {
      FeatureTableInfo t =
          client
              .features()
              .create(spec, meta.metadata(), java.util.Optional.ofNullable(creationTimeColumn));
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> out.line("Created feature table '" + t.name() + "'."));
    }
    return 0;
  }

  @Command(
      name = "register",
      description = "Make an existing table with primary keys a feature table.",
      mixinStandardHelpOptions = true)
  int register(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Mixin Meta meta) {
    try (KeelClient client = opts.client()) {
      FeatureTableInfo t = client.features().register(fullName, meta.metadata());
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> out.line("Registered feature table '" + t.name() + "'."));
    }
    return 0;
  }

  @Command(name = "get", description = "Show a feature table.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      FeatureTableInfo t = client.features().get(fullName);
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> describe(out, t));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List the feature tables of a schema.",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "CATALOG.SCHEMA") String schema,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N feature tables.")
          int maxResults,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print.")
          String pageToken) {
    String[] cs = schema.split("\\.", -1);
    if (cs.length != 2) {
      throw new IllegalArgumentException("'" + schema + "': expected CATALOG.SCHEMA");
    }
    try (KeelClient client = opts.client()) {
      List<FeatureTableInfo> items = new ArrayList<>();
      String next = pageToken;
      do {
        Page<FeatureTableInfo> p = client.features().list(cs[0], cs[1], maxResults, next);
        items.addAll(p.items());
        next = p.nextPageToken().orElse("");
      } while (maxResults == 0 && pageToken.isEmpty() && !next.isEmpty());
      Output out = opts.out();
      out.print(
          KeelJson.list(items, DataJson::toJson),
          () ->
              out.table(
                  List.of("NAME", "KEYS", "TIMESERIES KEY", "FEATURES", "DESCRIPTION"),
                  items.stream()
                      .map(
                          t ->
                              List.of(
                                  t.name(),
                                  String.join(",", t.entityKeys()),
                                  t.timeseriesKey().orElse(""),
                                  String.join(",", t.featureNames()),
                                  t.description().orElse("")))
                      .toList(),
                  "No feature tables."));
      if (!next.isEmpty() && (maxResults > 0 || !pageToken.isEmpty())) {
        out.hint("More feature tables: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description = "Change a feature table's description, tags or max age.",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Mixin Meta meta) {
    FeatureMetadata m = meta.metadata();
    if (m.equals(FeatureMetadata.none())) {
      throw new IllegalArgumentException(
          "nothing to update: give --description, --tag or --max-age-seconds");
    }
    try (KeelClient client = opts.client()) {
      FeatureTableInfo t = client.features().update(fullName, m);
      Output out = opts.out();
      out.print(DataJson.toJson(t), () -> out.line("Updated feature table '" + t.name() + "'."));
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Stop a table being a feature table (and with --drop-table, delete it).",
      mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(names = "--drop-table", description = "Also delete the table and its data.")
          boolean dropTable) {
    try (KeelClient client = opts.client()) {
      client.features().delete(fullName, dropTable);
      opts.out().done("Deleted feature table '" + fullName + "'.");
    }
    return 0;
  }

  @Command(
      name = "write",
      description =
          "Write rows to a feature table: a CSV (with header), Parquet, newline-delimited JSON or"
              + " JSON-array file, or JSON rows inline. Merges on the primary keys by default.",
      mixinStandardHelpOptions = true)
  int write(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(names = "--rows", paramLabel = "JSON", description = "Rows inline.") String rows,
      @Option(
              names = {"--rows-file", "-f", "--file"},
              paramLabel = "FILE",
              description =
                  "A file of rows: .csv (with header), .parquet, .ndjson/.jsonl, or .json (a JSON"
                      + " array of objects, or newline-delimited objects).")
          Path rowsFile,
      @Option(
              names = "--format",
              paramLabel = "FORMAT",
              description =
                  "The file's format if its extension does not tell: ${COMPLETION-CANDIDATES}.")
          FileFormat format,
      @Option(
              names = {"-m", "--mode"},
              paramLabel = "MODE",
              defaultValue = "merge",
              description =
                  "merge (or upsert): replace rows with the same primary key, add the others;"
                      + " append: add rows, keys are not checked (duplicates are resolved by the"
                      + " tie rule when read); overwrite: replace every row (default:"
                      + " ${DEFAULT-VALUE}).")
          String mode) {
    WriteMode m = writeMode(mode);
    if ((rows == null) == (rowsFile == null)) {
      throw new IllegalArgumentException("give either --rows or --rows-file");
    }
    FileFormat f = rowsFile == null ? null : format != null ? format : FileFormat.of(rowsFile);
    try (KeelClient client = opts.client()) {
      WriteResult r;
      if (rowsFile != null && !jsonArray(rowsFile, f)) {
        // Same table, same write as the rows route; check first that it is a feature table.
        client.features().get(fullName);
        r = client.tables().writeFile(fullName, m, rowsFile, f);
      } else {
        r =
            client
                .features()
                .writeRows(
                    fullName,
                    m,
                    DataJson.rows(DataOptions.json(rows, rowsFile, "--rows or --rows-file")));
      }
      Output out = opts.out();
      out.print(DataJson.toJson(r), () -> out.line(TablesCommand.written(fullName, r)));
    }
    return 0;
  }

  /** {@code merge}/{@code upsert}, {@code append} or {@code overwrite}, any case. */
  static WriteMode writeMode(String mode) {
    return switch (mode.toLowerCase(java.util.Locale.ROOT)) {
      case "merge", "upsert" -> WriteMode.UPSERT;
      case "append" -> WriteMode.APPEND;
      case "overwrite" -> WriteMode.OVERWRITE;
      default ->
          throw new IllegalArgumentException(
              "--mode: expected merge (upsert), append or overwrite, got '" + mode + "'");
    };
  }

  /** A JSON file whose first non-blank character opens an array (the older --rows-file form). */
  private static boolean jsonArray(Path file, FileFormat f) {
    if (f != FileFormat.JSON) {
      return false;
    }
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file)) {
      int c;
      do {
        c = in.read();
      } while (c != -1 && Character.isWhitespace(c));
      return c == '[';
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
    }
  }

  private static void describe(Output out, FeatureTableInfo t) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Name", t.name()});
    f.add(new String[] {"Description", t.description().orElse("")});
    f.add(new String[] {"Entity keys", String.join(", ", t.entityKeys())});
    f.add(new String[] {"Timeseries key", t.timeseriesKey().orElse("")});
    f.add(new String[] {"Creation time", t.creationTimeColumn().orElse("")});
    f.add(new String[] {"Max age", t.maxAge().map(a -> a.toSeconds() + " s").orElse("")});
    f.add(new String[] {"Owner", t.owner()});
    f.add(new String[] {"Updated", Output.time(t.updatedAt()) + " by " + t.updatedBy()});
    out.fields(f);
    out.line("");
    out.table(
        List.of("FEATURE", "TYPE", "MAX AGE", "DESCRIPTION"),
        t.features().stream().map(FeaturesCommand::featureRow).toList(),
        "No features.");
    if (!t.tags().isEmpty()) {
      out.line("");
      out.table(
          List.of("TAG", "VALUE"),
          t.tags().entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList(),
          "");
    }
  }

  private static List<String> featureRow(FeatureInfo f) {
    return List.of(
        f.name(),
        f.typeText(),
        f.maxAge().map(a -> a.toSeconds() + " s").orElse(""),
        f.description().orElse(""));
  }
}
