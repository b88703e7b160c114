package dev.keel.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request counts and latency per route (the route template, not the raw path, so cardinality stays
 * bounded), exported in Prometheus text format at {@code /metrics}. Thread-safe.
 */
public final class HttpMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Timers by method, route and status, so a request does not rebuild its meter id. */
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one finished request. */
  public void record(Context ctx, float millis) {
    String route;
    try {
      Endpoint e = ctx.endpoints().matchedHttpEndpoint();
      route = e == null ? "unmatched" : e.path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    String method = ctx.method().name();
    String status = Integer.toString(ctx.statusCode());
    String r = route;
    timers
        .computeIfAbsent(
            method + ' ' + r + ' ' + status,
            k ->
                Timer.builder("keel.http.server.requests")
                    .description("HTTP requests by route, method and status")
                    .tag("method", method)
                    .tag("route", r)
                    .tag("status", status)
                    .publishPercentileHistogram()
                    .register(registry))
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
