package dev.keel.client;

import dev.keel.core.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed call. When the server answered, {@link #errorCode()} is its wire {@code error_code}
 * (e.g. {@code RESOURCE_DOES_NOT_EXIST}), {@link #httpStatus()} the HTTP status and {@link
 * #getMessage()} its {@code message}. When the server answered without a JSON error body, the code
 * is derived from the status (404 → {@code ENDPOINT_NOT_FOUND}, 503 → {@code
 * TEMPORARILY_UNAVAILABLE}...).
 *
 * <p>When no HTTP answer was obtained, {@link #httpStatus()} is 0 and the code is one of {@link
 * #CONNECTION_FAILED} (the server could not be reached or the connection broke), {@link
 * #INVALID_RESPONSE} (the answer was not what the protocol promises), {@link #IO_ERROR} (a local
 * file could not be read or written) or {@link #INTERRUPTED}.
 */
public final class KeelClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The server could not be reached, or the connection failed mid-call. */
  public static final String CONNECTION_FAILED = "CONNECTION_FAILED";

  /** The server's answer did not follow the protocol (e.g. a 200 with a non-JSON body). */
  public static final String INVALID_RESPONSE = "INVALID_RESPONSE";

  /** A local file or stream could not be read or written. */
  public static final String IO_ERROR = "IO_ERROR";

  /** The calling thread was interrupted while waiting for the server. */
  public static final String INTERRUPTED = "INTERRUPTED";

  private final String errorCode;
  private final int httpStatus;

  /**
   * Creates an exception for an error answer.
   *
   * @param errorCode the wire {@code error_code}, or one of this class's local codes
   * @param httpStatus the HTTP status, or 0 when there was no HTTP answer
   * @param message what went wrong
   */
  public KeelClientException(String errorCode, int httpStatus, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.httpStatus = httpStatus;
  }

  /**
   * Creates an exception caused by another failure.
   *
   * @param errorCode the wire {@code error_code}, or one of this class's local codes
   * @param httpStatus the HTTP status, or 0 when there was no HTTP answer
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public KeelClientException(String errorCode, int httpStatus, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), Objects.requireNonNull(cause, "cause"));
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.httpStatus = httpStatus;
  }

  static KeelClientException local(String errorCode, String message) {
    return new KeelClientException(errorCode, 0, message);
  }

  static KeelClientException local(String errorCode, String message, Throwable cause) {
    return new KeelClientException(errorCode, 0, message, cause);
  }

  /** The wire {@code error_code} (or a local code when {@link #httpStatus()} is 0). */
  public String errorCode() {
    return errorCode;
  }

  /** The HTTP status of the answer; 0 when the server gave none. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * What went wrong, as Keel's protocol-neutral code, whichever API's dialect the server answered
   * in (MLflow's {@code RESOURCE_DOES_NOT_EXIST} and Unity Catalog's {@code NOT_FOUND} are both
   * {@link ErrorCode#NOT_FOUND}); empty for a code Keel does not know.
   */
  public Optional<ErrorCode> code() {
    return ErrorCode.fromWire(errorCode);
  }

  /** Whether the server reported that the object does not exist ({@code 404}). */
  public boolean isNotFound() {
    return httpStatus == 404;
  }

  @Override
  public String toString() {
    return "KeelClientException{"
        + errorCode
        + (httpStatus == 0 ? "" : ", HTTP " + httpStatus)
        + ": "
        + getMessage()
        + "}";
  }
}
