package dev.keel.tracking.search;

import dev.keel.core.KeelException;
import java.util.Locale;
import java.util.Objects;

/** Which lifecycle stages a search returns: MLflow's {@code ViewType}. */
public enum ViewType {
  /** Only active runs or experiments (the default). */
  ACTIVE_ONLY(1),
  /** Only soft-deleted runs or experiments. */
  DELETED_ONLY(2),
  /** Both. */
  ALL(3);

  private final int protoNumber;

  ViewType(int protoNumber) {
    this.protoNumber = protoNumber;
  }

  /**
   * Parses the wire value: the enum name in any case, or its proto number ({@code 1}, {@code 2},
   * {@code 3}); empty means {@link #ACTIVE_ONLY}.
   *
   * @param field the request field, named in the error (e.g. {@code run_view_type})
   * @param value the value as received
   * @throws KeelException 400 INVALID_ARGUMENT naming {@code field} for any other value
   */
  public static ViewType parse(String field, String value) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    String v = value.trim();
    if (v.isEmpty()) {
      return ACTIVE_ONLY;
    }
    for (ViewType t : values()) {
      if (t.name().equals(v.toUpperCase(Locale.ROOT))
          || Integer.toString(t.protoNumber).equals(v)) {
        return t;
      }
    }
    throw KeelException.invalid(
        "Invalid value '"
            + value
            + "' for parameter '"
            + field
            + "'. Valid values are ACTIVE_ONLY, DELETED_ONLY and ALL.");
  }

  /** The {@code lifecycle_stage} values this view admits. */
  String stage() {
    return switch (this) {
      case ACTIVE_ONLY -> "active";
      case DELETED_ONLY -> "deleted";
      case ALL -> throw new IllegalStateException("ALL admits every stage");
    };
  }
}
