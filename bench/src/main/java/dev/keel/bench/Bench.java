package dev.keel.bench;

import dev.keel.store.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keel's tracking-server benchmarks: {@code Bench ingest|search|startup|all [--key=value ...]}; the
 * options are in {@link #USAGE}, the method and the results in {@code docs/benchmarks.md}, and
 * {@code bench/run.sh} builds and runs it.
 */
public final class Bench {
  static final String DEFAULT_PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  /** A PostgreSQL schema to use and keep (with --data-dir: seed once, reuse); empty for none. */
  private static String pgSchema = "";

  private Bench() {}

  static final String USAGE =
      """
      usage: Bench COMMAND [--key=value ...]
        ingest    figure 1: log-batch points/s
                  --clients=8 --batch=1000 --keys=10 --warmup=10 --duration=30 (seconds)
        search    figure 2: seed --runs=100000 runs with --seed-clients=16, verify, then
                  one client (--latency-warmup=50 --latency-requests=300) and
                  --search-clients=20 concurrent clients (--warmup=10 --duration=30)
        search-auth
                  search-runs as a non-administrator, in process: --runs=100000 over 100
                  experiments, the caller reads 10 of them; --latency-requests=300 searches of all
                  100 ids with figure 2's filter, as the caller and as an administrator
        startup   figure 3: launch to first 200 from /ready on an empty data dir, --reps=10
        all       startup, ingest and search on SQLite, then ingest and search on PostgreSQL
        alias     registry: one READY model version (ONNX fixture) with alias champion, then an
                  open-loop get-by-alias load at --rate=1000 requests/s over --connections=16
                  (--warmup=10 --duration=30), --alias-api=both|uc|mlflow
        registry-search
                  registry: seed --models=10000 x --versions=10 with --seed-clients=16
                  (--seed-timeout=900 s), then one client searching registered models with a
                  name filter matching 1% (--latency-warmup=50 --latency-requests=300)
        registry  alias, then registry-search (not part of all)
        alias-auth
                  governance: two servers, auth off and auth on (KEEL_AUTH=true, the admin token
                  from <data dir>/admin-token); a user created through SCIM with a token (on
                  behalf of) and grants USE CATALOG, USE SCHEMA, EXECUTE on the alias model; then
                  --rounds=3 rounds of alias windows (UC API, --rate=1000 over --connections=16,
                  --warmup=10 --duration=30): auth off, auth on as admin, auth on as the user
        ingest-auth
                  governance: ingest (figure 1's load) on two servers, auth off and auth on as
                  the administrator (every request authenticated and audited), --rounds=3
                  alternating windows; SQLite. --audit-table-interval-ms=N sets the auth-on
                  server's system.access.audit export interval (default: the server's);
                  --exporter-idle adds a third auth-on server whose exporter never runs in a
                  window (interval 600 s), measured in the same rounds
        online    feature store, in process: publish --rows=1000000 x --write-features=10, then
                  lookups of 1 entity x 50 features over --entities=100000 (--lookup-warmup=50000
                  --lookups=200000), on the embedded store and on --redis-url (empty to skip)
        online-http
                  feature store over HTTP: a server with --entities=100000 x --features=50
                  published, then POST online-features for 1 random entity, open loop at
                  --rate=1000 over --connections=16 (--warmup=10 --duration=30 s;
                  --online-store=embedded or redis://127.0.0.1:6379)
        training-set
                  feature store: point-in-time training set of --spine-rows=1000000 rows, 3
                  lookups into 3 tables of --entities=100000 x --timestamps=50 rows (--reps=3
                  after a warm-up, --threads=<cores>), then the pandas baseline
                  (--python=/usr/bin/python3 --pandas-script=bench/pit_baseline_pandas.py;
                  --skip-baselines skips it and the raw-ASOF floor; feature files are in
                  primary-key order as Keel writes them, --time-ordered for event-time order)
        monitoring
                  monitoring: refresh of a time-series monitor over --rows=10000000 rows x
                  (--numeric=12 + --categorical=8) columns in --days=30 daily Parquet files with a
                  --baseline-rows=1000000 baseline (--threads=<cores>), full then incremental after
                  one more day; then the pandas + scipy baseline (--python=/usr/bin/python3
                  --pandas-script=bench/monitoring/pandas_refresh.py; --skip-pandas skips it)
        monitoring-quality
                  monitoring: model quality (log loss, ROC-AUC, ...) of a classification inference
                  log of --rows=2000000 rows in --days=30 daily windows, labels of --classes=5
                  classes, --proba=map (map<string,double>) or number (P(c1), --classes=2);
                  --reps=3 computations after one without probabilities (--threads=<cores>)
        predict   serving: in-process predict of a 20-feature XGBoost model (single-row
                  p50/p99 over --calls=100000 after --warmup-calls=20000; --batch=1000-row
                  batches for --duration after --warmup) and of the ONNX fixture
        serve-http
                  serving endpoint over HTTP: the same XGBoost model registered and served,
                  single-row invocations open loop at --rate=1000 over --connections=16
                  (--warmup=10 --duration=30 s) with the in-process predict time from the
                  keel-model-time-us header, in --pairs=3 alternating windows with
                  inference logging off, then on (11 s pause after each logged window); then
                  --batch=1000-row requests from 2 threads for 15 s (rows/s; 0 skips it)
        jobs      jobs scheduler, one server: a 1,000-task DAG of no-op condition_tasks
                  (--dag-layers=10 x --dag-width=100; each task depends on two of the layer
                  before), --reps=3 runs after a warm-up; --concurrent-runs=100 runs at once of
                  a 10-task job, --reps rounds; trigger latency of a MODEL_ALIAS_SET and a
                  table_update trigger, --events=50 alias moves / table appends --event-gap=2 s
                  apart; --parts=dag,concurrent,model,table (any of them)
      common:
        --db=sqlite|postgres
        --pg-url=jdbc:postgresql://127.0.0.1:5432/test?user=postgres (a schema is created, dropped)
        --work-dir=DIR   (default: a new temp dir, deleted after a successful run unless --keep)
        --data-dir=DIR   (search: seed once into DIR, reuse it on later runs; on PostgreSQL
                          only together with --pg-schema)
        --pg-schema=NAME use and keep this PostgreSQL schema instead of a throw-away one
        --server-jvm-args="-Xmx2g ..."  extra options for the server JVM
      """;

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || argv[0].startsWith("-") || List.of(argv).contains("--help")) {
      System.out.print(USAGE);
      System.exit(argv.length == 0 ? 2 : 0);
    }
    String command = argv[0];
    Args args = new Args(argv, 1);
    String db = args.string("db", "sqlite");
    String pgUrl = args.string("pg-url", DEFAULT_PG);
    pgSchema = args.string("pg-schema", "");
    boolean keep = args.flag("keep");
    String work = args.string("work-dir", "");
    String dataDirArg = args.string("data-dir", "");
    List<String> jvmArgs =
        Arrays.stream(args.string("server-jvm-args", "").trim().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList();
    IngestBench.Config ingest =
        new IngestBench.Config(
            args.integer("clients", 8),
            args.integer("batch", 1000),
            args.integer("keys", 10),
            args.seconds("warmup", 10),
            args.seconds("duration", 30));
    SearchConfig search =
        new SearchConfig(
            args.integer("runs", 100_000),
            args.integer("seed-clients", 16),
            args.integer("latency-warmup", 50),
            args.integer("latency-requests", 300),
            args.integer("search-clients", 20),
            ingest.warmup(),
            ingest.measure());
    int reps = args.integer("reps", 10);
    RegistryConfig registry =
        new RegistryConfig(
            args.integer("rate", 1000),
            args.integer("connections", 16),
            args.string("alias-api", "both"),
            args.integer("models", 10_000),
            args.integer("versions", 10),
            args.seconds("seed-timeout", 900));
    OnlineBench.Config online = OnlineBench.Config.from(args);
    TrainingSetBench.Config trainingSet =
        command.equals("training-set") ? TrainingSetBench.Config.from(args) : null;
    PredictBench.Config predict = PredictBench.Config.from(args);
    OnlineHttpBench.Config onlineHttp = OnlineHttpBench.Config.from(args);
    ServeHttpBench.Config serveHttp = ServeHttpBench.Config.from(args);
    JobsBench.Config jobs = command.equals("jobs") ? JobsBench.Config.from(args) : null;
    MonitorRefreshBench.Config monitoring =
        command.equals("monitoring") ? MonitorRefreshBench.Config.from(args) : null;
    MonitorQualityBench.Config monitoringQuality =
        command.equals("monitoring-quality") ? MonitorQualityBench.Config.from(args) : null;
    GovernanceBench.Config governance =
        new GovernanceBench.Config(
            registry.rate(),
            registry.connections(),
            args.integer("rounds", 3),
            ingest.warmup(),
            ingest.measure(),
            jvmArgs,
            args.integer("audit-table-interval-ms", 0),
            args.flag("exporter-idle"));
    args.checkAllUsed();

    Path workDir =
        work.isEmpty()
            ? Files.createTempDirectory("keel-bench-")
            : Files.createDirectories(Path.of(work));
    System.out.println(Machine.describe());
    System.out.println("work dir: " + workDir);
    boolean ok = false;
    try {
      switch (command) {
        case "ingest" -> ingest(workDir, db, pgUrl, jvmArgs, ingest);
        case "search" -> search(workDir, db, pgUrl, jvmArgs, search, dataDirArg);
        case "search-auth" ->
            AuthSearchBench.run(workDir, db, pgUrl, search.runs(), 100, search.latencyRequests());
        case "startup" -> startup(workDir, jvmArgs, reps);
        case "all" -> {
          pgSchema = ""; // PostgreSQL runs use throw-away schemas here
          startup(workDir, jvmArgs, reps);
          ingest(workDir, "sqlite", pgUrl, jvmArgs, ingest);
          search(workDir, "sqlite", pgUrl, jvmArgs, search, dataDirArg);
          ingest(workDir, "postgres", pgUrl, jvmArgs, ingest);
          search(workDir, "postgres", pgUrl, jvmArgs, search, "");
        }
        case "predict" -> PredictBench.run(workDir, predict);
        case "alias" -> alias(workDir, db, pgUrl, jvmArgs, search, registry);
        case "registry-search" ->
            registrySearch(workDir, db, pgUrl, jvmArgs, search, registry, dataDirArg);
        case "registry" -> {
          alias(workDir, db, pgUrl, jvmArgs, search, registry);
          registrySearch(workDir, db, pgUrl, jvmArgs, search, registry, dataDirArg);
        }
        case "alias-auth" -> GovernanceBench.alias(workDir, governance);
        case "ingest-auth" -> GovernanceBench.ingest(workDir, ingest, governance);
        case "online" -> OnlineBench.run(workDir, online);
        case "online-http" -> OnlineHttpBench.run(workDir, jvmArgs, onlineHttp);
        case "training-set" -> TrainingSetBench.run(workDir, trainingSet);
        case "serve-http" -> ServeHttpBench.run(workDir, jvmArgs, serveHttp);
        case "jobs" -> jobs(workDir, db, pgUrl, jvmArgs, jobs);
        case "monitoring" -> MonitorRefreshBench.run(workDir, monitoring);
        case "monitoring-quality" -> MonitorQualityBench.run(workDir, monitoringQuality);
        default -> throw new IllegalArgumentException("unknown command " + command);
      }
      ok = true;
    } finally {
      if (ok && !keep && work.isEmpty()) {
        deleteTree(workDir);
      } else if (!ok) {
        System.out.println("kept " + workDir + " (server logs) after the failure");
      }
    }
  }

  record SearchConfig(
      int runs,
      int seedClients,
      int latencyWarmup,
      int latencyRequests,
      int clients,
      java.time.Duration warmup,
      java.time.Duration measure) {}

  record RegistryConfig(
      int rate,
      int connections,
      String aliasApi,
      int models,
      int versions,
      java.time.Duration seedTimeout) {}

  private static void alias(
      Path workDir,
      String db,
      String pgUrl,
      List<String> jvmArgs,
      SearchConfig timing,
      RegistryConfig cfg)
      throws Exception {
    header(
        "alias ("
            + db
            + "): get-version-by-alias, open loop at "
            + cfg.rate()
            + " requests/s over "
            + cfg.connections()
            + " connections");
    Path dir = Files.createTempDirectory(workDir, "alias-" + db + "-");
    try (Target t = Target.open(db, pgUrl, dir.resolve("data"))) {
      ServerProcess s =
          ServerProcess.launch(t.dataDir, t.serverUrl(), jvmArgs, dir.resolve("server.log"));
      try {
        s.awaitReady(java.time.Duration.ofSeconds(120), 20);
        RegistryBench.seedAliasModel(s);
        List<String[]> apis = new java.util.ArrayList<>();
        if (!cfg.aliasApi().equals("mlflow")) {
          apis.add(new String[] {"UC", RegistryBench.ucAliasPath()});
        }
        if (!cfg.aliasApi().equals("uc")) {
          apis.add(new String[] {"MLflow", RegistryBench.mlflowAliasPath()});
        }
        for (String[] api : apis) {
          System.out.println(api[0] + ": GET " + api[1]);
          RegistryBench.OpenResult r =
              RegistryBench.aliasLoad(
                  s, api[1], cfg.rate(), cfg.connections(), timing.warmup(), timing.measure());
          System.out.println(r);
          System.out.printf(
              "| get-version-by-alias (%s, %s API, %d/s open loop) | p99 <= 2 ms | p99 %.2f ms"
                  + " (p50 %.2f, p90 %.2f, p99.9 %.2f, max %.1f ms; %d errors) |%n",
              db,
              api[0],
              cfg.rate(),
              r.latency().percentile(99),
              r.latency().percentile(50),
              r.latency().percentile(90),
              r.latency().percentile(99.9),
              r.latency().summary().max(),
              r.errors());
          System.out.println("load: " + Machine.loadAverage());
        }
        System.out.println("server RSS: " + s.rssMib() + " MiB");
      } finally {
        s.close();
      }
    }
    System.out.println("load after: " + Machine.loadAverage());
    deleteTree(dir);
  }

  private static void registrySearch(
      Path workDir,
      String db,
      String pgUrl,
      List<String> jvmArgs,
      SearchConfig timing,
      RegistryConfig cfg,
      String dataDirArg)
      throws Exception {
    header(
        "registry-search ("
            + db
            + "): "
            + cfg.models()
            + " models x "
            + cfg.versions()
            + " versions, filter `"
            + RegistryBench.searchFilter()
            + "`, page "
            + RegistryBench.PAGE);
    boolean reuse = !dataDirArg.isEmpty() && (db.equals("sqlite") || !pgSchema.isEmpty());
    Path dir =
        reuse ? Path.of(dataDirArg) : Files.createTempDirectory(workDir, "regsearch-" + db + "-");
    if (reuse) {
      Files.createDirectories(dir);
    }
    try (Target t = Target.open(db, pgUrl, dir.resolve("data"))) {
      ServerProcess s =
          ServerProcess.launch(t.dataDir, t.serverUrl(), jvmArgs, dir.resolve("server.log"));
      try {
        s.awaitReady(java.time.Duration.ofSeconds(120), 20);
        RegistryBench.Seed seed =
            RegistryBench.seedModels(
                s, dir, cfg.models(), cfg.versions(), timing.seedClients(), cfg.seedTimeout());
        if (t.pg != null) {
          t.pg.analyze("registered_models", "model_versions", "registered_model_tags");
          System.out.println("ANALYZE done (as autovacuum would after a bulk load)");
        }
        System.out.println("load after seeding: " + Machine.loadAverage());
        RegistryBench.verifySearch(s, seed);
        if (t.pg != null) {
          RegistryBench.explain(false, t.pg.serverUrl());
        } else {
          RegistryBench.explain(
              true, "jdbc:sqlite:file:" + t.dataDir.resolve("keel.db") + "?mode=ro");
        }
        java.util.Map<String, Long> scans0 =
            t.pg == null ? null : RegistryBench.pgScans(t.pg.serverUrl(), t.pg.schema());
        LoadRunner.Result lat =
            RegistryBench.searchLatency(s, timing.latencyWarmup(), timing.latencyRequests());
        System.out.println("one client: " + lat);
        if (t.pg != null) {
          Thread.sleep(2000); // PostgreSQL flushes its statistics within a second
          java.util.Map<String, Long> scans1 =
              RegistryBench.pgScans(t.pg.serverUrl(), t.pg.schema());
          int n = timing.latencyWarmup() + timing.latencyRequests();
          StringBuilder b = new StringBuilder("table scans per search (pg_stat_user_tables):");
          scans1.forEach(
              (k, v) ->
                  b.append(
                      String.format(
                          " %s %.1f;", k, (v - scans0.getOrDefault(k, 0L)) / (double) n)));
          System.out.println(b);
        }
        RegistryBench.pageSweep(s, new int[] {1, 10, 100}, 20, 100);
        System.out.printf(
            "| registered-models search (%s, %,d models x %d versions, 1 client) | p50 <= 20 ms |"
                + " p50 %.1f ms (p90 %.1f, p99 %.1f, max %.1f ms) |%n",
            db,
            cfg.models(),
            cfg.versions(),
            lat.latency().p50(),
            lat.latency().p90(),
            lat.latency().p99(),
            lat.latency().max());
        System.out.printf(
            "answer size: %.1f KiB per page of %d models; server RSS %d MiB%n",
            lat.units() / (double) lat.requests() / 1024, RegistryBench.PAGE, s.rssMib());
      } finally {
        s.close();
      }
    }
    System.out.println("load after: " + Machine.loadAverage());
    if (!reuse) {
      deleteTree(dir);
    }
  }

  private static void jobs(
      Path workDir, String db, String pgUrl, List<String> jvmArgs, JobsBench.Config cfg)
      throws Exception {
    Path dir = Files.createTempDirectory(workDir, "jobs-" + db + "-");
    try (Target t = Target.open(db, pgUrl, dir.resolve("data"))) {
      JobsBench.run(t, jvmArgs, cfg, db);
    }
    System.out.println("load after: " + Machine.loadAverage());
    deleteTree(dir);
  }

  static void header(String title) throws InterruptedException {
    System.out.println();
    System.out.println("=== " + title + " ===");
    long[] t0 = Machine.cpuTicks();
    Thread.sleep(3000);
    System.out.printf(
        "before: load %s; %.2f of %d cores busy over 3 s with no benchmark running (other"
            + " users of the machine)%n",
        Machine.loadAverage(),
        Machine.busyCores(t0, Machine.cpuTicks()),
        Runtime.getRuntime().availableProcessors());
  }

  private static void startup(Path workDir, List<String> jvmArgs, int reps) throws Exception {
    header("startup: launch to first 200 from /ready, empty SQLite data dir");
    StartupBench.Result r = StartupBench.run(workDir, "", jvmArgs, reps);
    System.out.println(r);
    System.out.printf(
        "| startup to ready (SQLite, empty dir) | <= 2000 ms | median %d ms, max %d ms (%d reps) |%n",
        r.median(), r.max(), reps);
    System.out.println("load after: " + Machine.loadAverage());
  }

  private static void ingest(
      Path workDir, String db, String pgUrl, List<String> jvmArgs, IngestBench.Config cfg)
      throws Exception {
    header(
        "ingest ("
            + db
            + "): log-batch, "
            + cfg.batch()
            + " metrics/request, "
            + cfg.clients()
            + " clients");
    Path dir = Files.createTempDirectory(workDir, "ingest-" + db + "-");
    try (Target t = Target.open(db, pgUrl, dir.resolve("data"))) {
      ServerProcess s =
          ServerProcess.launch(t.dataDir, t.serverUrl(), jvmArgs, dir.resolve("server.log"));
      try {
        s.awaitReady(java.time.Duration.ofSeconds(120), 20);
        LoadRunner.Result r = IngestBench.run(s, cfg);
        System.out.println(r);
        System.out.printf(
            "| log-batch ingest (%s, %d clients, %d/request) | >= 100,000 points/s | %,.0f points/s"
                + " (p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors) |%n",
            db,
            cfg.clients(),
            cfg.batch(),
            r.unitsPerSecond(),
            r.latency().p50(),
            r.latency().p99(),
            r.latency().max(),
            r.errors());
        System.out.println("server RSS: " + s.rssMib() + " MiB");
      } finally {
        s.close();
      }
    }
    System.out.println("load after: " + Machine.loadAverage());
    deleteTree(dir);
  }

  private static void search(
      Path workDir,
      String db,
      String pgUrl,
      List<String> jvmArgs,
      SearchConfig cfg,
      String dataDirArg)
      throws Exception {
    header(
        "search ("
            + db
            + "): "
            + cfg.runs()
            + " runs, filter `"
            + SearchBench.FILTER
            + "`, order by `"
            + SearchBench.ORDER_BY
            + "`, page "
            + SearchBench.PAGE);
    boolean reuse = !dataDirArg.isEmpty() && (db.equals("sqlite") || !pgSchema.isEmpty());
    Path dir =
        reuse ? Path.of(dataDirArg) : Files.createTempDirectory(workDir, "search-" + db + "-");
    if (reuse) {
      Files.createDirectories(dir);
    }
    try (Target t = Target.open(db, pgUrl, dir.resolve("data"))) {
      ServerProcess s =
          ServerProcess.launch(t.dataDir, t.serverUrl(), jvmArgs, dir.resolve("server.log"));
      try {
        s.awaitReady(java.time.Duration.ofSeconds(120), 20);
        SearchBench.Seed seed = SearchBench.seed(s, dir, cfg.runs(), cfg.seedClients());
        if (t.pg != null) {
          t.pg.analyze();
          System.out.println("ANALYZE done (as autovacuum would after a bulk load)");
        }
        System.out.println("load after seeding: " + Machine.loadAverage());
        SearchBench.verify(s, seed);
        if (t.pg != null) {
          SearchBench.explain(Dialect.POSTGRESQL, t.pg.serverUrl(), seed);
        } else {
          SearchBench.explain(
              Dialect.SQLITE,
              "jdbc:sqlite:file:" + t.dataDir.resolve("keel.db") + "?mode=ro",
              seed);
        }
        LoadRunner.Result lat =
            SearchBench.latency(s, seed, cfg.latencyWarmup(), cfg.latencyRequests());
        System.out.println("one client: " + lat);
        System.out.println("load: " + Machine.loadAverage());
        LoadRunner.Result thr =
            SearchBench.throughput(s, seed, cfg.clients(), cfg.warmup(), cfg.measure());
        System.out.println(cfg.clients() + " clients: " + thr);
        System.out.printf(
            "| search-runs latency (%s, 1 client) | p50 <= 25 ms | p50 %.1f ms (p90 %.1f, p99 %.1f,"
                + " max %.1f ms) |%n",
            db, lat.latency().p50(), lat.latency().p90(), lat.latency().p99(), lat.latency().max());
        System.out.printf(
            "| search-runs throughput (%s, %d clients) | >= 200 searches/s | %.0f searches/s"
                + " (p50 %.0f ms, p99 %.0f ms, %d errors) |%n",
            db,
            cfg.clients(),
            thr.requestsPerSecond(),
            thr.latency().p50(),
            thr.latency().p99(),
            thr.errors());
        System.out.printf(
            "answer size: %.0f KiB per page of %d runs; server RSS %d MiB%n",
            lat.units() / (double) lat.requests() / 1024, SearchBench.PAGE, s.rssMib());
      } finally {
        s.close();
      }
    }
    System.out.println("load after: " + Machine.loadAverage());
    if (!reuse) {
      deleteTree(dir);
    }
  }

  /** The metadata database of one benchmark: SQLite in a data dir, or a fresh PostgreSQL schema. */
  static final class Target implements AutoCloseable {
    final Path dataDir;
    final Postgres pg;

    private Target(Path dataDir, Postgres pg) {
      this.dataDir = dataDir;
      this.pg = pg;
    }

    static Target open(String db, String pgUrl, Path dataDir) throws Exception {
      return switch (db) {
        case "sqlite" -> new Target(dataDir, null);
        case "postgres" -> {
          Postgres pg =
              pgSchema.isEmpty()
                  ? Postgres.createSchema(pgUrl)
                  : Postgres.keepSchema(pgUrl, pgSchema);
          System.out.println(
              "PostgreSQL schema " + pg.schema() + (pg.dropsOnClose() ? "" : " (kept)"));
          yield new Target(dataDir, pg);
        }
        default -> throw new IllegalArgumentException("--db must be sqlite or postgres");
      };
    }

    String serverUrl() {
      return pg == null ? "" : pg.serverUrl();
    }

    @Override
    public void close() throws Exception {
      if (pg != null && pg.dropsOnClose()) {
        pg.close();
        System.out.println("dropped PostgreSQL schema " + pg.schema());
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
