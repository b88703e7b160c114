package dev.keel.features.online;

/**
 * The status of one feature value in a read, with Feast's names and numbers ({@code FieldStatus} in
 * {@code ServingService.proto}).
 */
public enum FeatureStatus {
  /** A stored, non-null value within the max age. */
  PRESENT(1),
  /** A stored row within the max age whose value for this feature is null. */
  NULL_VALUE(2),
  /** Nothing stored for this entity key in this feature table. */
  NOT_FOUND(3),
  /** A stored row older than the feature's max age; the value is withheld (null). */
  OUTSIDE_MAX_AGE(4);

  private final int number;

  FeatureStatus(int number) {
    this.number = number;
  }

  /** Feast's protobuf number of the status. */
  public int number() {
    return number;
  }
}
