package dev.keel.cli;

import dev.keel.core.ConfigSection;
import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import dev.keel.core.Setting;
import dev.keel.server.KeelServer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keel server}: starts a server and blocks until SIGTERM or SIGINT, then stops taking
 * requests, drains the ones in flight, closes the database and exits 0. A second signal while
 * draining stops the process at once.
 */
@Command(
    name = "server",
    description = {
      "Start a Keel server; stops gracefully on SIGTERM / Ctrl-C.",
      "Each setting comes from its flag (or --conf KEY=VALUE), else its KEEL_* variable"
          + " (KEEL_HOST, KEEL_PORT, KEEL_DATA_DIR, KEEL_DB_URL, KEEL_CONFIG, ...), else the JSON"
          + " config file, else the default."
    },
    mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {
  /** The module settings and their defaults, for the help's footer. */
  static String settingsHelp() {
    StringBuilder b =
        new StringBuilder("%nModule settings (--conf KEY=VALUE, variable, default):%n");
    for (ConfigSection section : KeelServer.SETTINGS) {
      for (Setting<?> s : section.settings()) {
        b.append("  ")
            .append(s.key())
            .append("  ")
            .append(s.env())
            .append("  ")
            .append(s.defaultValue())
            .append("%n      ")
            .append(s.description())
            .append("%n");
      }
    }
    return b.toString();
  }

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (127.0.0.1).")
  String host;

  @Option(names = "--port", paramLabel = "N", description = "Port; 0 picks a free one (8080).")
  Integer port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory: metadata DB and artifacts (./keel-data).")
  String dataDir;

  @Option(
      names = "--db-url",
      paramLabel = "URL",
      description = "JDBC URL of the metadata DB, e.g. jdbc:postgresql://... (embedded SQLite).")
  String dbUrl;

  @Option(
      names = "--online-store",
      paramLabel = "SPEC",
      description = "Online feature store: embedded (in the data dir) or redis://host:port[/db].")
  String onlineStore;

  @Option(
      names = "--auth",
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Require a bearer token on every API request (default: on unless bound to loopback;"
              + " --auth=false is refused on any other address).")
  String auth;

  @Option(
      names = "--spark-master",
      paramLabel = "MASTER",
      description =
          "Run spark_python_task and spark_jar_task job tasks through spark-submit on this Spark"
              + " master (local[*], spark://host:7077, k8s://...); default: local processes.")
  String sparkMaster;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON config file: {\"port\": 8080, \"online-store\": \"...\", ...}.")
  String config;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "Any module setting (listed below); repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> flags = new LinkedHashMap<>(conf);
    put(flags, "host", host);
    put(flags, "port", port == null ? null : port.toString());
    put(flags, "data-dir", dataDir);
    put(flags, "db-url", dbUrl);
    put(flags, "online-store", onlineStore);
    put(flags, "config", config);
    put(flags, "auth", auth);
    put(flags, "jobs.spark-master", sparkMaster);
    KeelConfig cfg;
    try {
      cfg = KeelConfig.resolve(flags, main.env(), KeelServer.SETTINGS);
    } catch (KeelException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KeelServer server;
    try {
      server = KeelServer.start(cfg);
    } catch (KeelException e) {
      err.println("error: " + e.code().name() + ": cannot start Keel: " + e.getMessage());
      err.flush();
      return Main.EXIT_FAILURE;
    } catch (RuntimeException e) {
      err.println(
          "error: INTERNAL_ERROR: cannot start Keel on "
              + cfg.host()
              + ":"
              + cfg.port()
              + ": "
              + rootMessage(e));
      err.flush();
      return Main.EXIT_FAILURE;
    }

    Thread hook = new Thread(server::close, "keel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    GracefulStop.install(server::close, "Stopping Keel (finishing requests in flight)...", err);

    out.println(
        "Keel "
            + KeelServer.version()
            + " is running at "
            + server.listening()
            + " (data: "
            + cfg.dataDir()
            + ")");
    out.flush();
    if (server.authenticated()) {
      out.println("Authentication is on: API requests need 'Authorization: Bearer <token>'.");
      server
          .adminTokenFile()
          .ifPresent(
              f ->
                  out.println(
                      "Created the administrator 'keel'; its token is in "
                          + f
                          + " (readable by you only)."));
    } else {
      err.println(
          "WARNING: single local user, no authentication: every request acts as the"
              + " administrator. Use --auth to require tokens.");
      err.flush();
    }
    out.flush();

    server.awaitStop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (signal handlers unavailable): the hook closed the server
    }
    out.println("Keel stopped.");
    out.flush();
    return 0;
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) {
      flags.put(key, value);
    }
  }

  private static String rootMessage(Throwable e) {
    String m = e.getMessage();
    if (m != null && !m.isBlank()) {
      return m;
    }
    return e.getCause() != null ? rootMessage(e.getCause()) : e.getClass().getSimpleName();
  }
}
