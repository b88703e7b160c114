package dev.keel.core;

import java.util.Objects;

/**
 * The one exception type Keel's services throw. The HTTP edge turns it into {@code {"error_code":
 * ..., "message": ...}} with {@link ErrorCode#httpStatus()}; messages are meant for users and must
 * not contain SQL, stack traces or secrets.
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

  /** 400 INVALID_PARAMETER_VALUE. */
  public static KeelException invalid(String message) {
    return new KeelException(ErrorCode.INVALID_PARAMETER_VALUE, message);
  }

  /** 404 RESOURCE_DOES_NOT_EXIST. */
  public static KeelException notFound(String message) {
    return new KeelException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
  }

  /** 400 RESOURCE_ALREADY_EXISTS (MLflow's status for duplicates). */
  public static KeelException alreadyExists(String message) {
    return new KeelException(ErrorCode.RESOURCE_ALREADY_EXISTS, message);
  }

  /** Missing required field, in MLflow's wording. */
  public static KeelException missing(String field) {
    return invalid(
        "Missing value for required parameter '"
            + field
            + "'. See the API docs for more information about request parameters.");
  }
}
