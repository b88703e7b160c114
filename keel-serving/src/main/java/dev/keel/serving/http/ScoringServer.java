package dev.keel.serving.http;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelVersion;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.Accepts;
import dev.keel.http.Access;
import dev.keel.http.BrowserGuard;
import dev.keel.http.Dialect;
import dev.keel.http.ErrorTranslator;
import dev.keel.http.HttpMetrics;
import dev.keel.http.HttpServer;
import dev.keel.http.Json;
import dev.keel.http.RouteGuard;
import dev.keel.http.Routes;
import dev.keel.serving.InputBatch;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.Predictions;
import dev.keel.serving.ScoringInput;
import dev.keel.serving.ScoringLimits;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone scoring server for one loaded model, like {@code mlflow models serve}: {@code POST
 * /invocations} (every format of {@link ScoringInput}), {@code GET /ping} and {@code GET /health}
 * (200 while serving, 503 once draining), {@code GET /version} (Keel's version and the model's URI
 * and version). Requests run on a pool of platform threads.
 *
 * <p>Errors are {@code {"error_code": "BAD_REQUEST", "message": ...}} with 400 for input that does
 * not fit the model (the message names the column), 413 for a body over {@link
 * Options#maxBodyBytes()}, 415 for a content type other than JSON or CSV in UTF-8, 503 while
 * draining; unexpected failures are a 500 that leaks no detail (the log has it).
 *
 * <p>{@link #close()} drains: new scoring requests get 503 and the health checks fail, requests in
 * flight finish (up to {@link Options#drainTimeout()}), then the HTTP server stops. The model is
 * the caller's to close afterwards.
 */
public final class ScoringServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringServer.class);

  /**
   * Server settings.
   *
   * @param host the address to bind (loopback by default)
   * @param port the port; 0 for any free port
   * @param maxBodyBytes the largest request body accepted
   * @param limits the per-request parse limits
   * @param drainTimeout how long {@link #close()} waits for requests in flight
   */
  public record Options(
      String host, int port, long maxBodyBytes, ScoringLimits limits, Duration drainTimeout) {

    /** Largest body by default: 8 MiB (about 100,000 values in JSON). */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535");
      }
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive");
      }
    }

    /** Loopback, this port, 8 MiB bodies, default limits, 30 s drain. */
    public static Options of(int port) {
      return new Options(
          "127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, ScoringLimits.DEFAULT, Duration.ofSeconds(30));
    }
  }

  /**
   * What {@code /version} reports about the served model.
   *
   * @param modelUri the URI the model was resolved from, such as {@code
   *     models:/main.default.churn@champion}
   * @param modelVersion the registered model version served
   */
  public record ServedModel(String modelUri, long modelVersion) {
    /** Checks for nulls. */
    public ServedModel {
      Objects.requireNonNull(modelUri, "modelUri");
    }
  }

  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object drained = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Duration drainTimeout;
  private HttpServer http;

  private ScoringServer(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  private void routes(Routes r, LoadedModel model, ServedModel served, ScoringLimits limits) {
    byte[] version = versionJson(served);
    r.dialect("/", Dialect.SCORING);
    Access open = Access.open();
    Access score = Access.of(SecurableType.SERVING_ENDPOINT, Privilege.READ);
    r.add(GET, "/ping", open, this::health);
    r.add(GET, "/health", open, this::health);
    r.add(GET, "/version", open, ctx -> ctx.contentType("application/json").result(version));
    r.add(
        POST,
        "/invocations",
        score,
        Accepts.of("application/json", "text/csv"),
        ctx -> invocations(ctx, model, limits));
  }

  /**
   * Starts serving {@code model}.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  public static ScoringServer start(LoadedModel model, ServedModel served, Options options) {
    Objects.requireNonNull(model, "model");
    ScoringServer server = new ScoringServer(options.drainTimeout());
    server.http =
        HttpServer.start(
            new HttpServer.Options(
                options.host(), options.port(), options.maxBodyBytes(), "keel-serve", 200),
            List.of(r -> server.routes(r, model, served, options.limits())),
            new HttpMetrics(),
            browserGuarded(options.host()));
    LOG.info(
        "Scoring {} (version {}) on {}", served.modelUri(), served.modelVersion(), server.url());
    return server;
  }

  /**
   * No authentication (every caller is the local user), behind the {@link BrowserGuard}: a web page
   * cannot score through the user's browser (foreign {@code Origin}, a rebound {@code Host}, a
   * {@code text/plain} body). {@code keel serve} has no CORS allow-list.
   */
  private static HttpServer.Edge browserGuarded(String host) {
    List<RouteGuard> guards = new ArrayList<>();
    guards.add(new BrowserGuard(host, List.of(), List.of()));
    guards.addAll(HttpServer.Edge.unauthenticated().guards());
    return new HttpServer.Edge(guards, List.of());
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** The base URL, such as {@code http://127.0.0.1:5001}. */
  public String url() {
    return http.url();
  }

  /** Keel's version, as {@code /version} reports it. */
  public static String version() {
    return KeelVersion.get();
  }

  private void health(Context ctx) {
    if (draining.get()) {
      ErrorTranslator.write(
          ctx, Dialect.SCORING, ErrorCode.TEMPORARILY_UNAVAILABLE, "The server is shutting down");
      return;
    }
    ctx.contentType("text/plain").result("\n");
  }

  private void invocations(Context ctx, LoadedModel model, ScoringLimits limits)
      throws IOException {
    inFlight.incrementAndGet();
    try {
      if (draining.get()) {
        ctx.header("Retry-After", "1");
        ErrorTranslator.write(
            ctx, Dialect.SCORING, ErrorCode.TEMPORARILY_UNAVAILABLE, "The server is shutting down");
        return;
      }
      String contentType = ctx.contentType() == null ? "" : ctx.contentType();
      InputBatch batch =
          ScoringInput.parse(contentType, ctx.bodyAsBytes(), model.signature(), limits);
      Predictions predictions;
      try {
        predictions = model.predict(batch);
      } catch (KeelException e) {
        // input the signature let through but the model refused: the caller's input, a 400
        throw new KeelException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * predictions.rows());
      try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
        predictions.writeJson(g);
      }
      // Written and completed here, not after the handler returns: close() stops the server once
      // no request is in flight, so the answer must be on the wire before this one stops counting.
      byte[] body = out.toByteArray();
      ctx.status(200).contentType("application/json");
      ctx.res().setContentLength(body.length);
      try (OutputStream os = ctx.res().getOutputStream()) {
        os.write(body);
      }
    } finally {
      if (inFlight.decrementAndGet() == 0 && draining.get()) {
        synchronized (drained) {
          drained.notifyAll();
        }
      }
    }
  }

  private static byte[] versionJson(ServedModel served) {
    ObjectNode n = Json.object();
    n.put("keel_version", KeelVersion.get());
    n.put("model_uri", served.modelUri());
    n.put("model_version", served.modelVersion());
    try {
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** The number of scoring requests being handled now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Drains and stops: health checks fail and new scoring requests get 503 at once, requests in
   * flight finish (up to the drain timeout), then the HTTP server stops. Idempotent.
   */
  @Override
  public void close() {
    if (draining.getAndSet(true)) {
      return;
    }
    try {
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      synchronized (drained) {
        while (inFlight.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn("Stopping with {} scoring requests still in flight", inFlight.get());
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(drained, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      http.close();
    } finally {
      stopped.countDown();
    }
  }
}
