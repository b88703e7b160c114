package dev.keel.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * Keel's own, protocol-neutral error codes: what went wrong, not how a wire protocol spells it. The
 * domain throws these; the HTTP edge ({@code dev.keel.http.Dialect}) writes each one in the dialect
 * of the API that was called (MLflow's {@code RESOURCE_DOES_NOT_EXIST}, Unity Catalog's {@code
 * NOT_FOUND}, ...). Keel's own APIs answer with these names and statuses as they are.
 */
public enum ErrorCode {
  /** A request field has a bad value, or a required one is missing (400). */
  INVALID_ARGUMENT(400),
  /** The request body cannot be parsed (400). */
  MALFORMED_REQUEST(400),
  /** The operation is not allowed in the object's current state, e.g. a non-empty delete (400). */
  FAILED_PRECONDITION(400),
  /** No credentials, or credentials that are not valid (401). */
  UNAUTHENTICATED(401),
  /** The caller may not do this (403). */
  PERMISSION_DENIED(403),
  /** The object named does not exist (404). */
  NOT_FOUND(404),
  /** No API at this path (404). */
  ENDPOINT_NOT_FOUND(404),
  /** The path exists, the method does not (405). */
  METHOD_NOT_ALLOWED(405),
  /** The client sent its request body too slowly and it was cut (408). */
  REQUEST_TIMEOUT(408),
  /** An object with this name exists already (409). */
  ALREADY_EXISTS(409),
  /** A concurrent change won; the request may be retried (409). */
  CONFLICT(409),
  /** The request body is larger than the endpoint accepts (413). */
  REQUEST_TOO_LARGE(413),
  /** The request's content type is not one the endpoint reads (415). */
  UNSUPPORTED_MEDIA_TYPE(415),
  /** A quota or queue is full; retry later (429). */
  RESOURCE_EXHAUSTED(429),
  /** A bug or an unexpected failure; the server log has the details (500). */
  INTERNAL_ERROR(500),
  /** The operation exists in the protocol but Keel does not do it (501). */
  NOT_IMPLEMENTED(501),
  /** A dependency (database, online store) is down, or the server is stopping (503). */
  TEMPORARILY_UNAVAILABLE(503);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /**
   * The neutral code behind a wire {@code error_code} of any API Keel speaks (MLflow's {@code
   * RESOURCE_DOES_NOT_EXIST}, Unity Catalog's {@code ABORTED}, scoring's {@code BAD_REQUEST}, ...):
   * the inverse of every dialect's mapping, for clients reading Keel's answers.
   */
  public static Optional<ErrorCode> fromWire(String errorCode) {
    if (errorCode == null) {
      return Optional.empty();
    }
    return switch (errorCode) {
      case "INVALID_PARAMETER_VALUE", "BAD_REQUEST" -> Optional.of(INVALID_ARGUMENT);
      case "RESOURCE_DOES_NOT_EXIST" -> Optional.of(NOT_FOUND);
      case "RESOURCE_ALREADY_EXISTS" -> Optional.of(ALREADY_EXISTS);
      case "RESOURCE_CONFLICT", "ABORTED" -> Optional.of(CONFLICT);
      case "REQUEST_LIMIT_EXCEEDED" -> Optional.of(RESOURCE_EXHAUSTED);
      case "INTERNAL" -> Optional.of(INTERNAL_ERROR);
      case "UNIMPLEMENTED" -> Optional.of(NOT_IMPLEMENTED);
      case "UNAVAILABLE" -> Optional.of(TEMPORARILY_UNAVAILABLE);
      default -> Arrays.stream(values()).filter(c -> c.name().equals(errorCode)).findFirst();
    };
  }

  /** The HTTP status this code is answered with in Keel's own APIs. */
  public int httpStatus() {
    return httpStatus;
  }
}
