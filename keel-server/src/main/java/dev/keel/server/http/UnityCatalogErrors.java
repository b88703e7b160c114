package dev.keel.server.http;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.Handler;

/**
 * Unity Catalog's error dialect: its routes answer {@code INVALID_ARGUMENT}, {@code NOT_FOUND} and
 * {@code ALREADY_EXISTS} where MLflow's say {@code INVALID_PARAMETER_VALUE}, {@code
 * RESOURCE_DOES_NOT_EXIST} and {@code RESOURCE_ALREADY_EXISTS}; the services raise the MLflow
 * codes, and this wrapper translates them for UC routes.
 */
public final class UnityCatalogErrors {
  private UnityCatalogErrors() {}

  /** {@code h}, answering in Unity Catalog's error codes. */
  public static Handler uc(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (KeelException e) {
        ErrorCode code =
            switch (e.code()) {
              case INVALID_PARAMETER_VALUE, BAD_REQUEST, MALFORMED_REQUEST ->
                  ErrorCode.INVALID_ARGUMENT;
              case RESOURCE_DOES_NOT_EXIST -> ErrorCode.NOT_FOUND;
              case RESOURCE_ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
              default -> e.code();
            };
        throw code == e.code() ? e : new KeelException(code, e.getMessage(), e);
      }
    };
  }
}
