package dev.keel.tables;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;

/** Bad input is Unity Catalog's {@code INVALID_ARGUMENT} (400), as in the catalog module. */
final class Errors {
  private Errors() {}

  static KeelException invalid(String message) {
    return new KeelException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
