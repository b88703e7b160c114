package dev.keel.server;

import static io.javalin.http.HandlerType.GET;

import dev.keel.server.http.Access;
import dev.keel.server.http.HttpMetrics;
import dev.keel.server.http.Privilege;
import dev.keel.server.http.Routes;
import dev.keel.server.http.SecurableType;
import dev.keel.store.Database;
import java.util.function.BooleanSupplier;

/** Liveness, readiness, version and Prometheus metrics. */
final class SystemRoutes {
  private final Database db;
  private final HttpMetrics metrics;
  private final BooleanSupplier draining;

  SystemRoutes(Database db, HttpMetrics metrics, BooleanSupplier draining) {
    this.db = db;
    this.metrics = metrics;
    this.draining = draining;
  }

  void register(Routes r) {
    // Liveness touches no database: a slow DB must not get the process restarted.
    r.add(GET, "/health", Access.open(), ctx -> ctx.contentType("text/plain").result("OK"));
    r.add(
        GET,
        "/ready",
        Access.open(),
        ctx -> {
          boolean ready = !draining.getAsBoolean() && db.ping();
          ctx.status(ready ? 200 : 503)
              .contentType("application/json")
              .result(ready ? "{\"status\":\"ready\"}" : "{\"status\":\"unavailable\"}");
        });
    r.add(
        GET,
        "/version",
        Access.of(SecurableType.SERVER, Privilege.READ),
        ctx -> ctx.contentType("text/plain").result(KeelServer.version()));
    r.add(
        GET,
        "/metrics",
        Access.of(SecurableType.SERVER, Privilege.READ),
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}
