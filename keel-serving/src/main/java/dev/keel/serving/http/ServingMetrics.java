package dev.keel.serving.http;

import dev.keel.serving.inference.InferenceLogger;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics per serving endpoint and served entity: {@code keel_serving_requests_seconds}
 * (latency histogram, by status), {@code keel_serving_rows} (rows per request), {@code
 * keel_serving_model_seconds} (time in the model) and {@code keel_serving_overhead_seconds} (the
 * rest: parsing, routing, writing), plus the inference logger's counters ({@code
 * keel_inference_log_dropped_total}, {@code _written_total}, {@code _failed_total}, {@code
 * _prediction_rows_written_total}, {@code _prediction_rows_failed_total}, {@code _flushes_total},
 * {@code _flush_seconds_total}). Thread-safe.
 */
final class ServingMetrics {
  private record Key(String endpoint, String entity, int status) {}

  private record Meters(Timer latency, Timer model, Timer overhead, DistributionSummary rows) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

  ServingMetrics(MeterRegistry registry, InferenceLogger logger) {
    this.registry = registry;
    FunctionCounter.builder("keel.inference.log.dropped", logger, InferenceLogger::dropped)
        .description("Inference-table records dropped because the log queue was full")
        .register(registry);
    FunctionCounter.builder("keel.inference.log.written", logger, InferenceLogger::written)
        .description("Inference-table records written")
        .register(registry);
    FunctionCounter.builder("keel.inference.log.failed", logger, InferenceLogger::failed)
        .description("Inference-table records lost to failed table writes")
        .register(registry);
    FunctionCounter.builder(
            "keel.inference.log.prediction.rows.written",
            logger,
            InferenceLogger::predictionRowsWritten)
        .description("Rows written to _predictions tables (one per scored input row)")
        .register(registry);
    FunctionCounter.builder(
            "keel.inference.log.prediction.rows.failed",
            logger,
            InferenceLogger::predictionRowsFailed)
        .description("Rows of _predictions tables lost to failed table writes")
        .register(registry);
    FunctionCounter.builder("keel.inference.log.flushes", logger, InferenceLogger::flushes)
        .description("Inference-table commits (one per table per batch)")
        .register(registry);
    FunctionCounter.builder("keel.inference.log.flush.seconds", logger, l -> l.flushSeconds())
        .description("Time the inference-log writer spent staging and committing rows")
        .register(registry);
  }

  /** Records one scoring request ({@code entity} empty when none answered). */
  void record(
      String endpoint, String entity, int status, long totalNanos, long modelNanos, int rows) {
    Meters m = meters.computeIfAbsent(new Key(endpoint, entity, status), this::create);
    m.latency().record(totalNanos, TimeUnit.NANOSECONDS);
    if (status < 300) {
      m.model().record(modelNanos, TimeUnit.NANOSECONDS);
      m.overhead().record(Math.max(0, totalNanos - modelNanos), TimeUnit.NANOSECONDS);
      m.rows().record(rows);
    }
  }

  private Meters create(Key k) {
    String status = Integer.toString(k.status());
    String entity = k.entity().isEmpty() ? "none" : k.entity();
    return new Meters(
        Timer.builder("keel.serving.requests")
            .description("Scoring requests by endpoint, served entity and status")
            .tag("endpoint", k.endpoint())
            .tag("served_entity", entity)
            .tag("status", status)
            .publishPercentileHistogram()
            .register(registry),
        Timer.builder("keel.serving.model")
            .description("Time spent in the model's predict")
            .tag("endpoint", k.endpoint())
            .tag("served_entity", entity)
            .tag("status", status)
            .publishPercentileHistogram()
            .register(registry),
        Timer.builder("keel.serving.overhead")
            .description("Request time outside the model: parse, route, write")
            .tag("endpoint", k.endpoint())
            .tag("served_entity", entity)
            .tag("status", status)
            .publishPercentileHistogram()
            .register(registry),
        DistributionSummary.builder("keel.serving.rows")
            .description("Rows scored per request")
            .tag("endpoint", k.endpoint())
            .tag("served_entity", entity)
            .tag("status", status)
            .register(registry));
  }
}
