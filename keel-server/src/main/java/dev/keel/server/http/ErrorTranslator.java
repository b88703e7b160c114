package dev.keel.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP responses: {@code {"error_code": ..., "message": ...}} with
 * the code's status. Unexpected exceptions are logged with their stack trace and answered with a
 * generic 500 that leaks nothing.
 */
public final class ErrorTranslator {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorTranslator.class);

  private ErrorTranslator() {}

  public static void install(RoutesConfig routes) {
    routes.exception(KeelException.class, (e, ctx) -> write(ctx, e.code(), e.getMessage()));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> write(ctx, codeFor(e.getStatus()), e.getMessage()));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
          write(ctx, ErrorCode.INTERNAL_ERROR, "Internal error; the server log has the details.");
        });
    routes.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            write(
                ctx,
                ErrorCode.ENDPOINT_NOT_FOUND,
                "No API endpoint at " + ctx.method() + " " + ctx.path());
          }
        });
    routes.error(
        405,
        "*",
        ctx ->
            write(
                ctx,
                ErrorCode.METHOD_NOT_ALLOWED,
                "Method " + ctx.method() + " is not allowed on " + ctx.path()));
  }

  /** Writes the error body and status. */
  public static void write(Context ctx, ErrorCode code, String message) {
    ObjectNode body = Json.object();
    body.put("error_code", code.name());
    body.put("message", message == null ? code.name() : message);
    Json.write(ctx, body);
    ctx.status(code.httpStatus());
  }

  /** The error code Keel answers an HTTP status with. */
  static ErrorCode codeFor(int status) {
    return switch (status) {
      case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.REQUEST_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.PERMISSION_DENIED;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
  }
}
