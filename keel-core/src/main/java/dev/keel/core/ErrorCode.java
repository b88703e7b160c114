package dev.keel.core;

/**
 * Every error Keel reports. The enum constant name is the wire name written as {@code error_code};
 * names follow MLflow's {@code databricks.proto} so MLflow and Databricks clients recognise them.
 *
 * <p>Note MLflow's quirk, kept on purpose: {@link #RESOURCE_ALREADY_EXISTS} is a 400, not a 409.
 *
 * <p>The Unity Catalog API ({@code /api/2.1/unity-catalog/...}) speaks its own dialect, from UC's
 * {@code exception/ErrorCode.java}: {@link #INVALID_ARGUMENT}, {@link #NOT_FOUND}, {@link
 * #ALREADY_EXISTS} (409) and {@link #FAILED_PRECONDITION}.
 */
public enum ErrorCode {
  INVALID_PARAMETER_VALUE(400),
  BAD_REQUEST(400),
  MALFORMED_REQUEST(400),
  RESOURCE_ALREADY_EXISTS(400),
  UNAUTHENTICATED(401),
  PERMISSION_DENIED(403),
  RESOURCE_DOES_NOT_EXIST(404),
  ENDPOINT_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  RESOURCE_CONFLICT(409),
  REQUEST_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  INTERNAL_ERROR(500),
  NOT_IMPLEMENTED(501),
  TEMPORARILY_UNAVAILABLE(503),
  /** Unity Catalog: bad input. */
  INVALID_ARGUMENT(400),
  /** Unity Catalog: the operation is not allowed in the object's state (non-empty delete). */
  FAILED_PRECONDITION(400),
  /** Unity Catalog: unknown object. */
  NOT_FOUND(404),
  /** Unity Catalog: duplicate name (409, unlike MLflow's {@link #RESOURCE_ALREADY_EXISTS}). */
  ALREADY_EXISTS(409);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status this code is answered with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether a client may retry the same request unchanged. */
  public boolean retriable() {
    return this == TEMPORARILY_UNAVAILABLE || this == INTERNAL_ERROR;
  }
}
