package dev.keel.core;

import java.util.Objects;

/**
 * The one exception type Keel's services throw, with a protocol-neutral {@link ErrorCode}. The HTTP
 * edge writes it as {@code {"error_code": ..., "message": ...}} in the dialect of the API that was
 * called; messages are meant for users and must not contain SQL, stack traces or secrets.
 */
public final class KeelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public KeelException(ErrorCode code, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.code = Objects.requireNonNull(code, "code");
  }

  public KeelException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  /** {@link ErrorCode#INVALID_ARGUMENT}. */
  public static KeelException invalid(String message) {
    return new KeelException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** {@link ErrorCode#NOT_FOUND}. */
  public static KeelException notFound(String message) {
    return new KeelException(ErrorCode.NOT_FOUND, message);
  }

  /** {@link ErrorCode#ALREADY_EXISTS}. */
  public static KeelException alreadyExists(String message) {
    return new KeelException(ErrorCode.ALREADY_EXISTS, message);
  }

  /** Missing required field, in MLflow's wording, pointing at the served API docs. */
  public static KeelException missing(String field) {
    return invalid(
        "Missing value for required parameter '"
            + field
            + "'. See the API docs at /api/docs for more information about request parameters.");
  }
}
