package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 14's jobs figures against a real server process ({@code bench/run.sh jobs}): the
 * scheduler's overhead on a 1,000-task DAG of no-op {@code condition_task}s, 100 concurrent runs of
 * a 10-task job, and the latency from a registry alias move or a table commit to the run it
 * triggers. Every figure is taken from the run and task-run times the server reports (epoch
 * milliseconds, the same clock as the load generator's), with the server's and the load generator's
 * CPU time.
 */
final class JobsBench {
  private static final String API = "/api/2.2/jobs";
  private static final String TABLE = "main.default.bench_jobs_trigger";

  private JobsBench() {}

  /**
   * What to run.
   *
   * @param parts any of {@code dag, concurrent, model, table}
   * @param layers the DAG's layers
   * @param width tasks per layer
   * @param reps measured runs of the DAG and rounds of concurrent runs (after one warm-up each)
   * @param runs concurrent runs per round
   * @param events alias moves / table commits per trigger figure
   * @param gap time between two events
   */
  record Config(
      Set<String> parts, int layers, int width, int reps, int runs, int events, Duration gap) {
    static Config from(Args a) {
      return new Config(
          Set.copyOf(Arrays.asList(a.string("parts", "dag,concurrent,model,table").split(","))),
          a.integer("dag-layers", 10),
          a.integer("dag-width", 100),
          a.integer("reps", 3),
          a.integer("concurrent-runs", 100),
          a.integer("events", 50),
          a.seconds("event-gap", 2));
    }
  }

  /** Runs the parts of {@code cfg} against one server on {@code t}'s database. */
  static void run(Bench.Target t, List<String> jvmArgs, Config cfg, String db) throws Exception {
    ServerProcess s =
        ServerProcess.launch(
            t.dataDir, t.serverUrl(), jvmArgs, t.dataDir.resolveSibling("server.log"));
    try {
      s.awaitReady(Duration.ofSeconds(120), 20);
      if (cfg.parts().contains("dag")) {
        dag(s, db, cfg);
      }
      if (cfg.parts().contains("concurrent")) {
        concurrent(s, db, cfg);
      }
      if (cfg.parts().contains("model")) {
        modelTrigger(s, db, cfg);
      }
      if (cfg.parts().contains("table")) {
        tableTrigger(s, db, cfg);
      }
      System.out.println("server RSS: " + s.rssMib() + " MiB");
    } finally {
      s.close();
    }
  }

  // ------------------------------------------------------------------ a. the 1,000-task DAG

  /** A no-op task: a condition compared in the scheduler, no process. */
  private static ObjectNode noop(String key, List<String> deps) {
    ObjectNode t = Client.JSON.createObjectNode();
    t.put("task_key", key);
    t.putObject("condition_task").put("op", "EQUAL_TO").put("left", "1").put("right", "1");
    if (!deps.isEmpty()) {
      ArrayNode d = t.putArray("depends_on");
      deps.forEach(k -> d.addObject().put("task_key", k));
    }
    return t;
  }

  private static long createJob(Client c, ObjectNode settings) throws Exception {
    return c.postJson(API + "/create", settings).path("job_id").asLong();
  }

  private static long runNow(Client c, long jobId) throws Exception {
    ObjectNode b = Client.JSON.createObjectNode().put("job_id", jobId);
    return c.postJson(API + "/run-now", b).path("run_id").asLong();
  }

  /** Polls the run (its state only) every {@code pollMillis} until it is terminal; its runs/get. */
  private static JsonNode awaitRun(Client c, long jobId, long runId, long pollMillis)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode page = c.getJson(API + "/runs/list?job_id=" + jobId + "&active_only=true&limit=1");
      if (!page.path("runs").elements().hasNext()) {
        JsonNode r = c.getJson(API + "/runs/get?run_id=" + runId);
        if (terminal(r)) {
          return r;
        }
      }
      Thread.sleep(pollMillis);
    }
    throw new IllegalStateException("run " + runId + " did not end within 10 minutes");
  }

  private static boolean terminal(JsonNode run) {
    String lc = run.path("state").path("life_cycle_state").asText();
    return lc.equals("TERMINATED") || lc.equals("SKIPPED") || lc.equals("INTERNAL_ERROR");
  }

  private static String result(JsonNode run) {
    return run.path("state").path("result_state").asText();
  }

  private static void dag(ServerProcess s, String db, Config cfg) throws Exception {
    int n = cfg.layers() * cfg.width();
    Bench.header(
        "jobs dag ("
            + db
            + "): "
            + n
            + " no-op condition_tasks, "
            + cfg.layers()
            + " layers x "
            + cfg.width()
            + "; task i of layer L depends on tasks i and i+1 (mod "
            + cfg.width()
            + ") of layer L-1");
    ObjectNode settings = Client.JSON.createObjectNode();
    settings.put("name", "bench-dag").put("max_concurrent_runs", 1);
    ArrayNode tasks = settings.putArray("tasks");
    for (int l = 0; l < cfg.layers(); l++) {
      for (int i = 0; i < cfg.width(); i++) {
        List<String> deps =
            l == 0
                ? List.of()
                : List.of("t" + (l - 1) + "_" + i, "t" + (l - 1) + "_" + ((i + 1) % cfg.width()));
        tasks.add(noop("t" + l + "_" + i, deps.stream().distinct().toList()));
      }
    }
    List<double[]> rows = new ArrayList<>();
    try (Client c = new Client(s)) {
      long job = createJob(c, settings);
      for (int rep = 0; rep <= cfg.reps(); rep++) {
        long cpu0 = s.cpuNanos();
        long self0 = selfCpuNanos();
        long[] ticks0 = Machine.cpuTicks();
        long sent = System.currentTimeMillis();
        long runId = runNow(c, job);
        JsonNode r = awaitRun(c, job, runId, 100);
        long seen = System.currentTimeMillis();
        double serverCpuMs = (s.cpuNanos() - cpu0) / 1e6;
        double selfCpuMs = (selfCpuNanos() - self0) / 1e6;
        double busy = Machine.busyCores(ticks0, Machine.cpuTicks());
        if (!result(r).equals("SUCCESS") || r.path("tasks").size() != n) {
          throw new IllegalStateException(
              "DAG run " + runId + " ended " + result(r) + " with " + r.path("tasks").size());
        }
        DagFigures f = DagFigures.of(r, sent);
        String label = rep == 0 ? "warm-up" : "run " + rep;
        System.out.printf(
            "%s: run %d %s; run-now -> end %d ms (%.2f ms/task), start -> end %d ms (%.2f"
                + " ms/task), queued %d ms; gap dependency end -> start: mean %.2f, p50 %.0f, p99"
                + " %.0f, max %.0f ms; task start -> end: mean %.2f, p99 %.0f ms; critical path"
                + " %d layers, %.1f ms/layer; server CPU %.0f ms (%.2f ms/task), load gen. CPU %.0f"
                + " ms; machine busy %.2f cores; seen after %d ms; load %s%n",
            label,
            runId,
            result(r),
            f.endToEnd,
            f.endToEnd / (double) n,
            f.runDuration,
            f.runDuration / (double) n,
            f.queued,
            f.gaps.summary().mean(),
            f.gaps.percentile(50),
            f.gaps.percentile(99),
            f.gaps.summary().max(),
            f.durations.summary().mean(),
            f.durations.percentile(99),
            cfg.layers(),
            f.runDuration / (double) cfg.layers(),
            serverCpuMs,
            serverCpuMs / n,
            selfCpuMs,
            busy,
            seen - sent,
            Machine.loadAverage());
        if (rep > 0) {
          rows.add(
              new double[] {
                f.endToEnd / (double) n,
                f.gaps.summary().mean(),
                f.gaps.percentile(99),
                serverCpuMs / n
              });
        }
      }
    }
    double[] perTask = rows.stream().mapToDouble(x -> x[0]).sorted().toArray();
    double[] cpu = rows.stream().mapToDouble(x -> x[3]).sorted().toArray();
    System.out.printf(
        "| jobs: %d-task DAG of no-ops (%s) | <= 10 ms scheduler overhead per task | median %.2f"
            + " ms/task run-now to end (runs: %s), server CPU median %.2f ms/task |%n",
        n,
        db,
        perTask[perTask.length / 2],
        Arrays.toString(Arrays.stream(perTask).map(x -> Math.round(x * 100) / 100.0).toArray()),
        cpu[cpu.length / 2]);
  }

  /** Overheads of one DAG run from the times its tasks report. */
  private static final class DagFigures {
    long endToEnd;
    long runDuration;
    long queued;
    final Latencies gaps = new Latencies();
    final Latencies durations = new Latencies();

    static DagFigures of(JsonNode r, long sentMillis) {
      DagFigures f = new DagFigures();
      long start = r.path("start_time").asLong();
      long end = r.path("end_time").asLong();
      f.endToEnd = end - sentMillis;
      f.runDuration = end - start;
      f.queued = r.path("queue_duration").asLong();
      Map<String, long[]> times = new HashMap<>();
      for (JsonNode t : r.path("tasks")) {
        times.put(
            t.path("task_key").asText(),
            new long[] {t.path("start_time").asLong(), t.path("end_time").asLong()});
      }
      for (JsonNode t : r.path("tasks")) {
        long[] me = times.get(t.path("task_key").asText());
        long ready = start;
        for (JsonNode d : t.path("depends_on")) {
          ready = Math.max(ready, times.get(d.path("task_key").asText())[1]);
        }
        f.gaps.add((me[0] - ready) * 1_000_000L);
        f.durations.add((me[1] - me[0]) * 1_000_000L);
      }
      return f;
    }
  }

  // ------------------------------------------------------------------ b. concurrent runs

  private static void concurrent(ServerProcess s, String db, Config cfg) throws Exception {
    Bench.header(
        "jobs concurrent ("
            + db
            + "): "
            + cfg.runs()
            + " runs at once of a 10-task job (a -> 8 in parallel -> z), max_concurrent_runs "
            + cfg.runs());
    ObjectNode settings = Client.JSON.createObjectNode();
    settings.put("name", "bench-concurrent").put("max_concurrent_runs", cfg.runs());
    ArrayNode tasks = settings.putArray("tasks");
    tasks.add(noop("a", List.of()));
    List<String> middle = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      tasks.add(noop("m" + i, List.of("a")));
      middle.add("m" + i);
    }
    tasks.add(noop("z", middle));
    int perRun = tasks.size();
    long job;
    try (Client c = new Client(s)) {
      job = createJob(c, settings);
    }
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      for (int rep = 0; rep <= cfg.reps(); rep++) {
        long cpu0 = s.cpuNanos();
        long self0 = selfCpuNanos();
        long[] ticks0 = Machine.cpuTicks();
        long first = System.currentTimeMillis();
        List<Future<long[]>> sent = new ArrayList<>();
        int perThread = (cfg.runs() + 9) / 10;
        for (int w = 0; w < 10; w++) {
          int from = w * perThread;
          int to = Math.min(cfg.runs(), from + perThread);
          final long jobId = job;
          sent.add(
              pool.submit(
                  () -> {
                    long[] out = new long[2 * Math.max(0, to - from)];
                    try (Client c = new Client(s)) {
                      for (int i = 0; i < to - from; i++) {
                        out[2 * i] = System.currentTimeMillis();
                        out[2 * i + 1] = runNow(c, jobId);
                      }
                    }
                    return out;
                  }));
        }
        Map<Long, Long> sentAt = new HashMap<>();
        for (Future<long[]> f : sent) {
          long[] x = f.get();
          for (int i = 0; i < x.length; i += 2) {
            sentAt.put(x[i + 1], x[i]);
          }
        }
        long allSent = System.currentTimeMillis();
        Latencies runLatency = new Latencies();
        long lastEnd = 0;
        int ok = 0;
        List<String> other = new ArrayList<>();
        try (Client c = new Client(s)) {
          long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
          while (c.getJson(API + "/runs/list?job_id=" + job + "&active_only=true&limit=1")
              .path("runs")
              .elements()
              .hasNext()) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("concurrent runs did not end within 10 minutes");
            }
            Thread.sleep(100);
          }
          double serverCpuMs = (s.cpuNanos() - cpu0) / 1e6;
          double selfCpuMs = (selfCpuNanos() - self0) / 1e6;
          double busy = Machine.busyCores(ticks0, Machine.cpuTicks());
          for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            JsonNode r = c.getJson(API + "/runs/get?run_id=" + e.getKey());
            if (!terminal(r)) {
              throw new IllegalStateException("run " + e.getKey() + " is not terminal: " + r);
            }
            if (result(r).equals("SUCCESS") && r.path("tasks").size() == perRun) {
              ok++;
            } else {
              other.add(e.getKey() + ":" + result(r));
            }
            long end = r.path("end_time").asLong();
            lastEnd = Math.max(lastEnd, end);
            runLatency.add((end - e.getValue()) * 1_000_000L);
          }
          double span = (lastEnd - first) / 1000.0;
          int totalTasks = cfg.runs() * perRun;
          System.out.printf(
              "%s: %d of %d runs SUCCESS%s; %d tasks in %.2f s (first run-now to last run end):"
                  + " %.0f tasks/s, %.1f runs/s; run-now of all sent in %d ms; run latency"
                  + " (run-now sent -> run end) p50 %.0f ms, p99 %.0f ms, max %.0f ms; server"
                  + " CPU %.0f ms (%.2f ms/task), load gen. CPU %.0f ms; machine busy %.2f cores;"
                  + " load %s%n",
              rep == 0 ? "warm-up" : "round " + rep,
              ok,
              cfg.runs(),
              other.isEmpty() ? "" : " (others: " + other + ")",
              totalTasks,
              span,
              totalTasks / span,
              cfg.runs() / span,
              allSent - first,
              runLatency.percentile(50),
              runLatency.percentile(99),
              runLatency.summary().max(),
              serverCpuMs,
              serverCpuMs / totalTasks,
              selfCpuMs,
              busy,
              Machine.loadAverage());
          if (rep > 0) {
            System.out.printf(
                "| jobs: %d concurrent runs x %d tasks (%s), round %d | all complete | %d/%d"
                    + " SUCCESS, %.0f tasks/s, run latency p50 %.0f ms, p99 %.0f ms |%n",
                cfg.runs(),
                perRun,
                db,
                rep,
                ok,
                cfg.runs(),
                totalTasks / span,
                runLatency.percentile(50),
                runLatency.percentile(99));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ c. trigger latency

  private static ObjectNode triggeredJob(String name, ObjectNode trigger) {
    ObjectNode settings = Client.JSON.createObjectNode();
    settings.put("name", name).put("max_concurrent_runs", 100);
    settings.set("trigger", trigger);
    settings.putArray("tasks").add(noop("only", List.of()));
    return settings;
  }

  private static void modelTrigger(ServerProcess s, String db, Config cfg) throws Exception {
    Bench.header(
        "jobs model trigger ("
            + db
            + "): MODEL_ALIAS_SET on "
            + RegistryBench.CATALOG
            + "."
            + RegistryBench.SCHEMA
            + "."
            + RegistryBench.ALIAS_MODEL
            + ", wait/min-time 0 s; "
            + cfg.events()
            + " alias moves (a new alias each), "
            + cfg.gap().toMillis()
            + " ms apart");
    RegistryBench.seedAliasModel(s);
    String model =
        RegistryBench.CATALOG + "." + RegistryBench.SCHEMA + "." + RegistryBench.ALIAS_MODEL;
    ObjectNode trigger = Client.JSON.createObjectNode();
    trigger
        .putObject("model")
        .put("condition", "MODEL_ALIAS_SET")
        .put("securable_name", model)
        .put("min_time_between_triggers_seconds", 0)
        .put("wait_after_last_change_seconds", 0);
    try (Client c = new Client(s)) {
      long job = createJob(c, triggeredJob("bench-model-trigger", trigger));
      Thread.sleep(1000); // the trigger service reads the new job
      long version =
          c.getJson("/api/2.1/unity-catalog/models/" + model + "/aliases/" + RegistryBench.ALIAS)
              .path("version")
              .asLong();
      String runTag = Long.toString(System.currentTimeMillis() % 100000, 36);
      triggerLatency(
          s,
          c,
          db,
          "model trigger (MODEL_ALIAS_SET)",
          job,
          cfg,
          responses -> null,
          i ->
              c.send(
                  "PUT",
                  "/api/2.1/unity-catalog/models/" + model + "/aliases/b" + runTag + "x" + i,
                  ("{\"version_num\":" + version + "}").getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static void tableTrigger(ServerProcess s, String db, Config cfg) throws Exception {
    Bench.header(
        "jobs table trigger ("
            + db
            + "): table_update ANY_UPDATED on "
            + TABLE
            + ", wait/min-time 0 s; "
            + cfg.events()
            + " appends of one row, "
            + cfg.gap().toMillis()
            + " ms apart");
    try (Client c = new Client(s)) {
      ObjectNode t = Client.JSON.createObjectNode();
      t.put("catalog_name", "main").put("schema_name", "default").put("name", "bench_jobs_trigger");
      t.putArray("columns").addObject().put("name", "id").put("type_name", "LONG");
      c.postJson("/api/2.1/unity-catalog/tables", t);
      String rows = "/api/2.0/keel/tables/" + TABLE + "/rows";
      c.post(rows, "{\"mode\":\"append\",\"rows\":[{\"id\":0}]}".getBytes(StandardCharsets.UTF_8));
      ObjectNode trigger = Client.JSON.createObjectNode();
      ObjectNode u = trigger.putObject("table_update");
      u.putArray("table_names").add(TABLE);
      u.put("condition", "ANY_UPDATED")
          .put("min_time_between_triggers_seconds", 0)
          .put("wait_after_last_change_seconds", 0);
      long job = createJob(c, triggeredJob("bench-table-trigger", trigger));
      Thread.sleep(1000);
      triggerLatency(
          s,
          c,
          db,
          "table_update trigger",
          job,
          cfg,
          responses -> commitTimes(c, responses),
          i ->
              c.post(
                  rows,
                  ("{\"mode\":\"append\",\"rows\":[{\"id\":" + i + "}]}")
                      .getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** The i-th event (from 1); answers the server's response body. */
  interface Event {
    byte[] fire(int i) throws Exception;
  }

  /** The commit time (epoch ms) of each event from its response, or null when not known. */
  interface CommitTimes {
    long[] of(List<byte[]> responses) throws Exception;
  }

  /**
   * Fires {@code cfg.events()} events {@code cfg.gap()} apart, then matches the job's runs to them
   * in order (one run per event) and reports event -> run start and event -> first task start.
   */
  private static void triggerLatency(
      ServerProcess s,
      Client c,
      String db,
      String what,
      long job,
      Config cfg,
      CommitTimes commitTimes,
      Event event)
      throws Exception {
    if (listRuns(c, job, false).size() != 0) {
      throw new IllegalStateException(what + ": the job ran before any event");
    }
    long cpu0 = s.cpuNanos();
    long[] ticks0 = Machine.cpuTicks();
    long[] sent = new long[cfg.events()];
    long[] acked = new long[cfg.events()];
    List<byte[]> responses = new ArrayList<>();
    for (int i = 0; i < cfg.events(); i++) {
      long next = System.nanoTime() + cfg.gap().toNanos();
      sent[i] = System.currentTimeMillis();
      responses.add(event.fire(i + 1));
      acked[i] = System.currentTimeMillis();
      long sleep = (next - System.nanoTime()) / 1_000_000;
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<JsonNode> runs = listRuns(c, job, true);
    while ((runs.size() < cfg.events() || runs.stream().anyMatch(r -> !terminal(r)))
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
      runs = listRuns(c, job, true);
    }
    double serverCpuMs = (s.cpuNanos() - cpu0) / 1e6;
    double busy = Machine.busyCores(ticks0, Machine.cpuTicks());
    if (runs.size() != cfg.events()) {
      System.out.printf(
          "%s: %d events gave %d runs (expected one each): not matched%n",
          what, cfg.events(), runs.size());
      return;
    }
    long[] committed = commitTimes.of(responses);
    Latencies fromCommit = new Latencies();
    Latencies toStart = new Latencies();
    Latencies toCreated = new Latencies();
    Latencies toTask = new Latencies();
    Latencies ack = new Latencies();
    for (int i = 0; i < runs.size(); i++) {
      JsonNode r = runs.get(i);
      long start = r.path("start_time").asLong();
      long created = start - r.path("queue_duration").asLong();
      long task = r.path("tasks").path(0).path("start_time").asLong();
      if (start < sent[i] || (i + 1 < sent.length && start >= sent[i + 1])) {
        System.out.printf(
            "%s: run %d started at %d, outside event %d's window [%d, %d)%n",
            what,
            r.path("run_id").asLong(),
            start,
            i + 1,
            sent[i],
            i + 1 < sent.length ? sent[i + 1] : -1);
      }
      toStart.add((start - sent[i]) * 1_000_000L);
      if (committed != null) {
        fromCommit.add((start - committed[i]) * 1_000_000L);
      }
      toCreated.add((created - sent[i]) * 1_000_000L);
      toTask.add((task - sent[i]) * 1_000_000L);
      ack.add((acked[i] - sent[i]) * 1_000_000L);
    }
    System.out.printf(
        "%s: %d events, %d runs; event request sent -> run created p50 %.0f / p99 %.0f ms;"
            + " -> run start_time p50 %.0f / p99 %.0f / max %.0f ms; -> first task start p50"
            + " %.0f / p99 %.0f ms; the event request itself p50 %.0f / p99 %.0f ms; server CPU"
            + " %.0f ms; machine busy %.2f cores; load %s%n",
        what,
        cfg.events(),
        runs.size(),
        toCreated.percentile(50),
        toCreated.percentile(99),
        toStart.percentile(50),
        toStart.percentile(99),
        toStart.summary().max(),
        toTask.percentile(50),
        toTask.percentile(99),
        ack.percentile(50),
        ack.percentile(99),
        serverCpuMs,
        busy,
        Machine.loadAverage());
    if (committed != null) {
      System.out.printf(
          "%s: from the event's commit time (the table snapshot's committed_at) -> run start_time"
              + " p50 %.0f / p99 %.0f / max %.0f ms%n",
          what, fromCommit.percentile(50), fromCommit.percentile(99), fromCommit.summary().max());
    }
    System.out.printf(
        "| jobs: %s latency (%s, %d events) | <= 1 s p99 | from the event request's send: p99 %.0f"
            + " ms to run start (p50 %.0f ms), %.0f ms to first task start%s |%n",
        what,
        db,
        cfg.events(),
        toStart.percentile(99),
        toStart.percentile(50),
        toTask.percentile(99),
        committed == null
            ? ""
            : String.format(
                "; from the commit: p99 %.0f ms (p50 %.0f ms)",
                fromCommit.percentile(99), fromCommit.percentile(50)));
  }

  /** Each append's snapshot's {@code committed_at}, from the table's history. */
  private static long[] commitTimes(Client c, List<byte[]> responses) throws Exception {
    Map<Long, Long> at = new HashMap<>();
    for (JsonNode snap :
        c.getJson("/api/2.0/keel/tables/" + TABLE + "/history").path("snapshots")) {
      at.put(snap.path("snapshot_id").asLong(), snap.path("committed_at").asLong());
    }
    long[] out = new long[responses.size()];
    for (int i = 0; i < out.length; i++) {
      long id = Client.JSON.readTree(responses.get(i)).path("snapshot_id").asLong();
      Long t = at.get(id);
      if (t == null) {
        throw new IllegalStateException("snapshot " + id + " is not in the table's history");
      }
      out[i] = t;
    }
    return out;
  }

  /** Every run of the job, oldest first (runs/list pages newest first, 25 at a time). */
  private static List<JsonNode> listRuns(Client c, long job, boolean tasks) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String token = "";
    while (true) {
      JsonNode page =
          c.getJson(
              API
                  + "/runs/list?job_id="
                  + job
                  + "&limit=25&expand_tasks="
                  + tasks
                  + (token.isEmpty() ? "" : "&page_token=" + token));
      page.path("runs").forEach(out::add);
      if (!page.path("has_more").asBoolean()) {
        break;
      }
      token = page.path("next_page_token").asText();
    }
    out.sort((a, b) -> Long.compare(a.path("run_id").asLong(), b.path("run_id").asLong()));
    return out;
  }

  private static long selfCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
