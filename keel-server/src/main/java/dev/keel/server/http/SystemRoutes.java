package dev.keel.server.http;

import static io.javalin.http.HandlerType.GET;

import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.HttpMetrics;
import dev.keel.http.Routes;
import dev.keel.server.KeelServer;
import dev.keel.store.Database;
import java.util.function.BooleanSupplier;

/** Liveness, readiness, version and Prometheus metrics. */
public final class SystemRoutes implements ApiModule {
  private final Database db;
  private final HttpMetrics metrics;
  private final BooleanSupplier draining;

  public SystemRoutes(Database db, HttpMetrics metrics, BooleanSupplier draining) {
    this.db = db;
    this.metrics = metrics;
    this.draining = draining;
  }

  @Override
  public void routes(Routes r) {
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
        Access.open(),
        ctx -> ctx.contentType("text/plain").result(KeelServer.version()));
    r.add(
        GET,
        "/metrics",
        Access.open(), // Prometheus scrapes without credentials; no secrets in it
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}
