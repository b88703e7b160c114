package dev.keel.core;

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

  /** The HTTP status this code is answered with in Keel's own APIs. */
  public int httpStatus() {
    return httpStatus;
  }
}
