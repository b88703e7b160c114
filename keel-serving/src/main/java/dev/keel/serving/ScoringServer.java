package dev.keel.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  private static final String VERSION = readVersion();

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

  private final Javalin app;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object drained = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Duration drainTimeout;

  private ScoringServer(LoadedModel model, ServedModel served, Options options) {
    this.drainTimeout = options.drainTimeout();
    byte[] version = versionJson(served);
    this.app =
        Javalin.create(
            cfg -> {
              // Platform threads, as in the Keel server: Jetty runs a request on the thread that
              // read it instead of handing it to a virtual thread (see docs/benchmarks.md).
              QueuedThreadPool pool = new QueuedThreadPool(200, 8, 60_000);
              pool.setName("keel-serve");
              cfg.jetty.threadPool = pool;
              cfg.startup.showJavalinBanner = false;
              cfg.startup.startupWatcherEnabled = false;
              cfg.http.maxRequestSize = options.maxBodyBytes();
              cfg.http.prefer405over404 = false;
              cfg.jetty.host = options.host();
              cfg.jetty.port = options.port();
              cfg.routes.exception(
                  KeelException.class, (e, ctx) -> error(ctx, e.code(), e.getMessage()));
              cfg.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> error(ctx, codeFor(e.getStatus()), e.getMessage()));
              cfg.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                    error(
                        ctx,
                        ErrorCode.INTERNAL_ERROR,
                        "Internal error; the server log has the details.");
                  });
              cfg.routes.error(
                  404,
                  "*",
                  ctx -> {
                    if (ctx.result() == null || ctx.result().isEmpty()) {
                      error(
                          ctx,
                          ErrorCode.ENDPOINT_NOT_FOUND,
                          "No endpoint at " + ctx.method() + " " + ctx.path());
                    }
                  });
              cfg.routes.get("/ping", this::health);
              cfg.routes.get("/health", this::health);
              cfg.routes.get(
                  "/version", ctx -> ctx.contentType("application/json").result(version));
              cfg.routes.post("/invocations", ctx -> invocations(ctx, model, options.limits()));
            });
  }

  /**
   * Starts serving {@code model}.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  public static ScoringServer start(LoadedModel model, ServedModel served, Options options) {
    Objects.requireNonNull(model, "model");
    ScoringServer server = new ScoringServer(model, served, options);
    server.app.start();
    LOG.info(
        "Scoring {} (version {}) on {}", served.modelUri(), served.modelVersion(), server.url());
    return server;
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /** The base URL, such as {@code http://127.0.0.1:5001}. */
  public String url() {
    String host = app.unsafe.jetty.host;
    if (host == null || host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** Keel's version, as {@code /version} reports it. */
  public static String version() {
    return VERSION;
  }

  private void health(Context ctx) {
    if (draining.get()) {
      error(ctx, ErrorCode.TEMPORARILY_UNAVAILABLE, "The server is shutting down");
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
        error(ctx, ErrorCode.TEMPORARILY_UNAVAILABLE, "The server is shutting down");
        return;
      }
      String contentType = ctx.contentType() == null ? "" : ctx.contentType();
      InputBatch batch;
      try {
        batch = ScoringInput.parse(contentType, ctx.bodyAsBytes(), model.signature(), limits);
      } catch (KeelException e) {
        throw e.code() == ErrorCode.INVALID_PARAMETER_VALUE
            ? new KeelException(ErrorCode.BAD_REQUEST, e.getMessage())
            : e;
      }
      Predictions predictions;
      try {
        predictions = model.predict(batch);
      } catch (KeelException e) {
        throw new KeelException(ErrorCode.BAD_REQUEST, e.getMessage());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * predictions.rows());
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
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

  private static void error(Context ctx, ErrorCode code, String message) {
    ErrorCode wire =
        code == ErrorCode.INVALID_PARAMETER_VALUE || code == ErrorCode.INVALID_ARGUMENT
            ? ErrorCode.BAD_REQUEST
            : code;
    ObjectNode body = JSON.createObjectNode();
    body.put("error_code", wire.name());
    body.put("message", message == null ? wire.name() : message);
    try {
      ctx.status(wire.httpStatus())
          .contentType("application/json")
          .result(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ErrorCode codeFor(int status) {
    return switch (status) {
      case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.REQUEST_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
  }

  private static byte[] versionJson(ServedModel served) {
    ObjectNode n = JSON.createObjectNode();
    n.put("keel_version", VERSION);
    n.put("model_uri", served.modelUri());
    n.put("model_version", served.modelVersion());
    try {
      return JSON.writeValueAsBytes(n);
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
      app.stop();
    } finally {
      stopped.countDown();
    }
  }

  private static String readVersion() {
    Properties p = new Properties();
    try (InputStream in = ScoringServer.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
