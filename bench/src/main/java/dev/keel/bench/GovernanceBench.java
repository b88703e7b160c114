package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governance figures, with authentication on ({@code KEEL_AUTH=true}): get-version-by-alias as
 * a non-administrator whose access comes from Unity Catalog grants, the cost of authentication and
 * authorization per request (the same alias load with auth off, as the administrator and as the
 * granted user), and log-batch ingest with every request authenticated and audited.
 *
 * <p>Each figure runs two servers side by side, one without authentication and one with, and
 * alternates measured windows between them (and between the callers), so a shared machine's drift
 * falls on every variant alike. The idle server costs next to nothing while the other is measured.
 */
final class GovernanceBench {
  static final String USER = "bench-reader";
  private static final String SCIM_USERS = "/api/2.0/preview/scim/v2/Users";
  private static final String OBO_TOKENS = "/api/2.0/token-management/on-behalf-of/tokens";
  private static final String PERMISSIONS = "/api/2.1/unity-catalog/permissions/";
  private static final String OTHER_MODEL = "bench-not-granted";

  private GovernanceBench() {}

  /**
   * Options of {@code alias-auth} and {@code ingest-auth}.
   *
   * @param auditTableIntervalMillis ingest-auth: the auth-on server's {@code
   *     audit.table-interval-ms}; 0 for the server's default
   * @param exporterIdle ingest-auth: also measure an auth-on server whose {@code
   *     system.access.audit} exporter does not run during the windows (interval 600 s)
   */
  record Config(
      int rate,
      int connections,
      int rounds,
      Duration warmup,
      Duration measure,
      List<String> jvm,
      int auditTableIntervalMillis,
      boolean exporterIdle) {}

  /** One measured window. */
  record Window(String variant, int round, RegistryBench.OpenResult r) {}

  // ---------------------------------------------------------------- alias

  /**
   * Figures 1 and 2: alias lookups at {@code rate}/s in {@code rounds} rounds of three windows each
   * (auth off; auth on as the administrator; auth on as {@value #USER}, who holds USE CATALOG on
   * {@code main}, USE SCHEMA on {@code main.default} and EXECUTE on the model).
   */
  static void alias(Path workDir, Config cfg) throws Exception {
    Bench.header(
        "alias-auth: get-version-by-alias (UC API), open loop at "
            + cfg.rate()
            + " requests/s over "
            + cfg.connections()
            + " connections; auth off / on as administrator / on as a granted user, "
            + cfg.rounds()
            + " rounds");
    Path offDir = Files.createTempDirectory(workDir, "alias-off-");
    Path onDir = Files.createTempDirectory(workDir, "alias-on-");
    String path = RegistryBench.ucAliasPath();
    try (ServerProcess off = launch(offDir, cfg, false);
        ServerProcess on = launch(onDir, cfg, true)) {
      off.awaitReady(Duration.ofSeconds(120), 20);
      on.awaitReady(Duration.ofSeconds(120), 20);
      String admin = on.useAdminToken(onDir.resolve("data"));
      RegistryBench.seedAliasModel(off);
      RegistryBench.seedAliasModel(on);
      String user = grantedUser(on);
      checkEnforced(on, user, path);
      System.out.println("GET " + path);
      Map<String, List<Window>> byVariant = new LinkedHashMap<>();
      String[][] variants = {{"auth off", null}, {"admin", admin}, {USER, user}};
      for (int round = 1; round <= cfg.rounds(); round++) {
        for (String[] v : variants) {
          ServerProcess s = v[1] == null ? off : on;
          RegistryBench.OpenResult r = load(s, v[1], path, cfg);
          System.out.printf(
              "round %d, %s: %s%n  server CPU per request: %.1f µs; load %s%n",
              round, v[0], r, perRequestMicros(r), Machine.loadAverage());
          byVariant.computeIfAbsent(v[0], k -> new ArrayList<>()).add(new Window(v[0], round, r));
        }
      }
      long audited = metric(on, "keel_audit_written");
      long dropped = metric(on, "keel_audit_dropped_total");
      System.out.printf(
          "audit log of the auth-on server: %,d entries written, %,d dropped%n", audited, dropped);
      summary(byVariant);
      System.out.println("server RSS: off " + off.rssMib() + " MiB, on " + on.rssMib() + " MiB");
    }
    System.out.println("load after: " + Machine.loadAverage());
    Bench.deleteTree(offDir);
    Bench.deleteTree(onDir);
  }

  private static ServerProcess launch(Path dir, Config cfg, boolean auth) throws IOException {
    return launch(dir, cfg, auth, auth ? cfg.auditTableIntervalMillis() : 0);
  }

  /** A server; {@code auditTableIntervalMillis} 0 keeps the server's default. */
  private static ServerProcess launch(
      Path dir, Config cfg, boolean auth, int auditTableIntervalMillis) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KEEL_AUTH", Boolean.toString(auth));
    if (auditTableIntervalMillis > 0) {
      env.put("KEEL_AUDIT_TABLE_INTERVAL_MS", Integer.toString(auditTableIntervalMillis));
    }
    return ServerProcess.launch(
        dir.resolve("data"), "", cfg.jvm(), dir.resolve("server.log"), "embedded", env);
  }

  private static RegistryBench.OpenResult load(
      ServerProcess s, String token, String path, Config cfg) throws Exception {
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < cfg.connections(); i++) {
      cs.add(new Client(s.url(), token));
    }
    try {
      return RegistryBench.openLoop(
          cfg.rate(),
          cfg.connections(),
          cfg.warmup(),
          cfg.measure(),
          s,
          (w, i) -> {
            byte[] b = cs.get(w).getBytes(path);
            if (b.length < 100) {
              throw new IllegalStateException("short alias answer: " + new String(b));
            }
            return b.length;
          });
    } finally {
      cs.forEach(Client::close);
    }
  }

  /**
   * Creates {@value #USER} through SCIM, a token for it through token management (on behalf of),
   * and grants it USE CATALOG, USE SCHEMA and EXECUTE on the alias model through the Unity Catalog
   * permissions API; returns the token.
   */
  static String grantedUser(ServerProcess on) throws IOException {
    try (Client admin = new Client(on)) {
      RawHttp.Response created =
          admin.exchange(
              "POST",
              SCIM_USERS,
              json(
                  "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"%s\"}"
                      .formatted(USER)));
      if (created.status() != 201) {
        throw new IllegalStateException(
            "SCIM create user -> "
                + created.status()
                + " "
                + new String(created.body(), StandardCharsets.UTF_8));
      }
      JsonNode t =
          Client.JSON.readTree(
              admin.send(
                  "POST",
                  OBO_TOKENS,
                  json(
                      "{\"application_id\":\"%s\",\"lifetime_seconds\":86400,\"comment\":\"bench\"}"
                          .formatted(USER))));
      String token = t.path("token_value").asText();
      grant(admin, "catalog/" + RegistryBench.CATALOG, "USE_CATALOG");
      grant(admin, "schema/" + RegistryBench.CATALOG + "." + RegistryBench.SCHEMA, "USE_SCHEMA");
      grant(admin, "registered_model/" + fullName(RegistryBench.ALIAS_MODEL), "EXECUTE");
      admin.send(
          "POST",
          "/api/2.1/unity-catalog/models",
          json(
              "{\"catalog_name\":\"%s\",\"schema_name\":\"%s\",\"name\":\"%s\"}"
                  .formatted(RegistryBench.CATALOG, RegistryBench.SCHEMA, OTHER_MODEL)));
      System.out.printf(
          "created user %s (SCIM), its token (on behalf of, 1 day), grants USE CATALOG on %s,"
              + " USE SCHEMA on %s.%s, EXECUTE on %s%n",
          USER,
          RegistryBench.CATALOG,
          RegistryBench.CATALOG,
          RegistryBench.SCHEMA,
          fullName(RegistryBench.ALIAS_MODEL));
      return token;
    }
  }

  private static void grant(Client admin, String securable, String privilege) throws IOException {
    admin.send(
        "PATCH",
        PERMISSIONS + securable,
        json("{\"changes\":[{\"principal\":\"%s\",\"add\":[\"%s\"]}]}".formatted(USER, privilege)));
  }

  /**
   * The authorizer really decides: the user reads the granted model's alias (200) but not a model
   * it holds no EXECUTE on (403), and a request without a token is 401.
   */
  private static void checkEnforced(ServerProcess on, String user, String path) throws IOException {
    try (Client u = new Client(on.url(), user);
        Client anonymous = new Client(on.url(), null)) {
      int granted = u.exchange("GET", path, null).status();
      RawHttp.Response other =
          u.exchange("GET", "/api/2.1/unity-catalog/models/" + fullName(OTHER_MODEL), null);
      int none = anonymous.exchange("GET", path, null).status();
      System.out.printf(
          "enforcement check: %s on the granted model %d, on %s %d (%s), without a token %d%n",
          USER,
          granted,
          OTHER_MODEL,
          other.status(),
          new String(other.body(), StandardCharsets.UTF_8),
          none);
      if (granted != 200 || other.status() != 403 || none != 401) {
        throw new IllegalStateException("authentication or grants are not enforced as expected");
      }
    }
  }

  private static double perRequestMicros(RegistryBench.OpenResult r) {
    return r.serverCores() * 1e6 / (r.ok() / r.seconds());
  }

  private static void summary(Map<String, List<Window>> byVariant) {
    System.out.println();
    System.out.println(
        "| Variant | Window | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Errors | Server CPU"
            + " µs/request | Load gen. cores | Machine busy |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    Map<String, double[]> medians = new LinkedHashMap<>();
    for (List<Window> ws : byVariant.values()) {
      List<Latencies> all = new ArrayList<>();
      double[] p50s = new double[ws.size()];
      double[] cpus = new double[ws.size()];
      int k = 0;
      for (Window w : ws) {
        Latencies l = w.r().latency();
        all.add(l);
        p50s[k] = l.percentile(50);
        cpus[k++] = perRequestMicros(w.r());
        System.out.printf(
            "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.1f | %d | %.1f | %.2f | %.2f |%n",
            w.variant(),
            w.round(),
            l.percentile(50),
            l.percentile(90),
            l.percentile(99),
            l.percentile(99.9),
            l.summary().max(),
            w.r().errors(),
            perRequestMicros(w.r()),
            w.r().clientCores(),
            w.r().machineCores());
      }
      Latencies pooled = Latencies.merge(all);
      String v = ws.get(0).variant();
      System.out.printf(
          "| %s | pooled | %.3f | %.3f | %.3f | %.3f | %.1f | | | | |%n",
          v,
          pooled.percentile(50),
          pooled.percentile(90),
          pooled.percentile(99),
          pooled.percentile(99.9),
          pooled.summary().max());
      medians.put(v, new double[] {pooled.percentile(50), median(cpus), pooled.percentile(99)});
    }
    double[] off = medians.get("auth off");
    for (Map.Entry<String, double[]> e : medians.entrySet()) {
      if (off == null || e.getValue() == off) {
        continue;
      }
      System.out.printf(
          "%s vs auth off: p50 %+.1f µs (pooled), server CPU %+.1f µs/request (median window)%n",
          e.getKey(), (e.getValue()[0] - off[0]) * 1000, e.getValue()[1] - off[1]);
    }
    double[] user = medians.get(USER);
    if (user != null) {
      System.out.printf(
          "| get-version-by-alias as a granted non-admin, auth on, 1,000/s | p99 <= 2 ms | p99"
              + " %.2f ms pooled |%n",
          user[2]);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  // ---------------------------------------------------------------- ingest

  /**
   * Figure 3: log-batch ingest with 8 clients in {@code rounds} rounds of two windows: auth off,
   * then auth on as the administrator (every request authenticated and audited).
   */
  static void ingest(Path workDir, IngestBench.Config ingest, Config cfg) throws Exception {
    Bench.header(
        "ingest-auth: log-batch, "
            + ingest.batch()
            + " metrics/request, "
            + ingest.clients()
            + " clients; auth off / auth on (administrator, audited), "
            + cfg.rounds()
            + " rounds");
    Path offDir = Files.createTempDirectory(workDir, "ingest-off-");
    Path onDir = Files.createTempDirectory(workDir, "ingest-on-");
    Path idleDir = cfg.exporterIdle() ? Files.createTempDirectory(workDir, "ingest-idle-") : null;
    String onName =
        "auth on (admin, audited"
            + (cfg.auditTableIntervalMillis() > 0
                ? ", exporter every " + cfg.auditTableIntervalMillis() + " ms)"
                : ")");
    String idleName = "auth on (admin, audited, exporter idle)";
    List<String> rows = new ArrayList<>();
    try (ServerProcess off = launch(offDir, cfg, false);
        ServerProcess on = launch(onDir, cfg, true);
        ServerProcess idle = idleDir == null ? null : launch(idleDir, cfg, true, 600_000)) {
      Map<ServerProcess, String> servers = new LinkedHashMap<>();
      servers.put(off, "auth off");
      servers.put(on, onName);
      if (idle != null) {
        servers.put(idle, idleName);
      }
      for (ServerProcess s : servers.keySet()) {
        s.awaitReady(Duration.ofSeconds(120), 20);
      }
      on.useAdminToken(onDir.resolve("data"));
      if (idle != null) {
        idle.useAdminToken(idleDir.resolve("data"));
      }
      for (int round = 1; round <= cfg.rounds(); round++) {
        for (Map.Entry<ServerProcess, String> e : servers.entrySet()) {
          ServerProcess s = e.getKey();
          String variant = e.getValue();
          boolean audited = s != off;
          long audited0 = audited ? metric(s, "keel_audit_written") : 0;
          LoadRunner.Result r = IngestBench.run(s, ingest);
          long written = audited ? metric(s, "keel_audit_written") - audited0 : 0;
          double cpuMicrosPerRequest =
              r.requests() == 0 ? 0 : r.serverCores() * r.seconds() * 1e6 / r.requests();
          System.out.printf(
              "round %d, %s: %s%n  server CPU per request: %.0f µs; load %s%n",
              round, variant, r, cpuMicrosPerRequest, Machine.loadAverage());
          rows.add(
              String.format(
                  "| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %,.0f | %s |",
                  variant,
                  round,
                  r.unitsPerSecond(),
                  r.requestsPerSecond(),
                  r.latency().p50(),
                  r.latency().p99(),
                  r.latency().max(),
                  r.errors(),
                  r.serverCores(),
                  cpuMicrosPerRequest,
                  audited ? String.format("%,d", written) : "-"));
        }
      }
      for (Map.Entry<ServerProcess, String> e : servers.entrySet()) {
        if (e.getKey() != off) {
          System.out.printf(
              "audit log of %s: %,d entries written, %,d dropped%n",
              e.getValue(),
              metric(e.getKey(), "keel_audit_written"),
              metric(e.getKey(), "keel_audit_dropped_total"));
        }
      }
    }
    System.out.println();
    System.out.println(
        "| Variant | Round | Points/s | Requests/s | p50 ms | p99 ms | max ms | Errors | Server"
            + " cores | Server CPU µs/request | Audit entries written in the round |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.println("load after: " + Machine.loadAverage());
    Bench.deleteTree(offDir);
    Bench.deleteTree(onDir);
    if (idleDir != null) {
      Bench.deleteTree(idleDir);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A counter or gauge from the server's open {@code /metrics} (Prometheus text), summed. */
  static long metric(ServerProcess s, String name) throws IOException {
    try (Client c = new Client(s.url(), null)) {
      String text = new String(c.getBytes("/metrics"), StandardCharsets.UTF_8);
      double sum = 0;
      boolean seen = false;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          seen = true;
        }
      }
      return seen ? Math.round(sum) : -1;
    }
  }

  private static String fullName(String model) {
    return RegistryBench.CATALOG + "." + RegistryBench.SCHEMA + "." + model;
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
