package dev.keel.http;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Outages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP responses, in the {@link Dialect} of the route that failed
 * (or, for a path no route matches, of its prefix), each with the request's id ({@link
 * RequestIds}). A failure that means the metadata database or Redis is down ({@link Outages}) is
 * answered 503 {@code TEMPORARILY_UNAVAILABLE}. Internal errors (unexpected exceptions and {@link
 * ErrorCode#INTERNAL_ERROR}) are answered with a generic 500 that leaks nothing but the request id;
 * their message and stack trace go to the server log under that id. A 4xx whose {@link
 * KeelException} has a cause (a library's message that may hold SQL, paths or class names) logs the
 * cause under the request id; only the Keel message, written for users, reaches the client. A
 * failure caused by Jetty refusing the request (a body cut for arriving too slowly, 408) keeps
 * Jetty's 4xx status.
 */
public final class ErrorTranslator {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorTranslator.class);

  private final Routes routes;

  private ErrorTranslator(Routes routes) {
    this.routes = routes;
  }

  /** Installs the exception and status handlers on {@code config}, dialects from {@code routes}. */
  public static void install(RoutesConfig config, Routes routes) {
    ErrorTranslator t = new ErrorTranslator(routes);
    config.exception(KeelException.class, (e, ctx) -> t.keel(ctx, e));
    config.exception(
        HttpResponseException.class,
        (e, ctx) ->
            t.write(
                ctx,
                codeFor(e.getStatus()),
                e.getStatus() == 404 ? t.noEndpoint(ctx) : e.getMessage()));
    config.exception(
        Exception.class,
        (e, ctx) -> {
          if (t.jettyRefusal(ctx, e)) {
            return;
          }
          String id = RequestIds.of(ctx);
          Optional<Throwable> outage = Outages.brokenConnection(e);
          if (outage.isPresent()) {
            String service = Outages.service(outage.get());
            LOG.warn(
                "request {}: {} {}: the {} is unavailable: {}",
                id,
                ctx.method(),
                ctx.path(),
                service,
                outage.get().toString());
            t.write(
                ctx,
                ErrorCode.TEMPORARILY_UNAVAILABLE,
                "The " + service + " is unavailable; retry later.");
            return;
          }
          LOG.error("request {}: unexpected error on {} {}", id, ctx.method(), ctx.path(), e);
          t.write(ctx, ErrorCode.INTERNAL_ERROR, internalMessage(id));
        });
    config.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            t.write(ctx, ErrorCode.ENDPOINT_NOT_FOUND, t.noEndpoint(ctx));
          }
        });
    config.error(
        405,
        "*",
        ctx ->
            t.write(
                ctx,
                ErrorCode.METHOD_NOT_ALLOWED,
                "Method " + ctx.method() + " is not allowed on " + ctx.path()));
  }

  /** The only message a client gets for an internal error. */
  static String internalMessage(String requestId) {
    return "Internal error; the server log has the details under request id " + requestId + ".";
  }

  /**
   * Answers a failure caused by Jetty refusing the request (a {@link HttpException} anywhere in the
   * causes: a body cut for arriving too slowly is a 408, a malformed one a 400) with Jetty's status
   * in Keel's error shape, never as an internal error, and closes the connection, whose body may be
   * left unread. False when {@code e} has no such cause.
   */
  private boolean jettyRefusal(Context ctx, Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
        LOG.info(
            "request {}: {} {} refused: {} {}",
            RequestIds.of(ctx),
            ctx.method(),
            ctx.path(),
            h.getCode(),
            h.getReason());
        ctx.header("Connection", "close");
        ErrorCode code = codeFor(h.getCode());
        write(
            ctx,
            code,
            h.getReason() == null || h.getReason().isBlank()
                ? "HTTP " + h.getCode()
                : h.getReason() + ".");
        ctx.status(h.getCode());
        return true;
      }
    }
    return false;
  }

  private void keel(Context ctx, KeelException e) {
    String id = RequestIds.of(ctx);
    if (jettyRefusal(ctx, e)) {
      return;
    }
    if (e.code() == ErrorCode.INTERNAL_ERROR) {
      LOG.error(
          "request {}: internal error on {} {}: {}",
          id,
          ctx.method(),
          ctx.path(),
          e.getMessage(),
          e);
      write(ctx, e.code(), internalMessage(id));
      return;
    }
    if (e.getCause() != null) {
      LOG.warn(
          "request {}: {} on {} {}: {}",
          id,
          e.code(),
          ctx.method(),
          ctx.path(),
          e.getMessage(),
          e.getCause());
    }
    write(ctx, e.code(), e.getMessage());
  }

  private String noEndpoint(Context ctx) {
    return "No API endpoint at "
        + ctx.method()
        + " "
        + ctx.path()
        + (routes.has(ApiDocsRoutes.DOCS) ? "; the API docs are at /api/docs." : ".");
  }

  /** The dialect of the request: its matched route's, else its path prefix's. */
  public Dialect dialect(Context ctx) {
    try {
      Endpoint e = ctx.endpoints().matchedHttpEndpoint();
      Dialect d = e == null ? null : e.metadata(Dialect.class);
      if (d != null) {
        return d;
      }
    } catch (RuntimeException e) {
      // no matched endpoint (404, or refused before routing)
    }
    return routes.dialectOf(ctx.path());
  }

  /** Writes the error body and status in the request's dialect. */
  public void write(Context ctx, ErrorCode code, String message) {
    write(ctx, dialect(ctx), code, message);
  }

  /** Writes the error body and status in {@code dialect}. */
  public static void write(Context ctx, Dialect dialect, ErrorCode code, String message) {
    Json.write(ctx, dialect.body(code, message, RequestIds.of(ctx)));
    ctx.status(dialect.status(code));
  }

  /** The neutral code an HTTP status stands for, for errors raised by the framework. */
  public static ErrorCode codeFor(int status) {
    return switch (status) {
      case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
      case 408 -> ErrorCode.REQUEST_TIMEOUT;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.REQUEST_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.PERMISSION_DENIED;
      case 429 -> ErrorCode.RESOURCE_EXHAUSTED;
      case 503 -> ErrorCode.TEMPORARILY_UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_ARGUMENT;
    };
  }
}
