package dev.keel.client;

/** The status of one looked-up online feature value (Feast's field statuses). */
public enum FeatureStatus {
  /** A value was found. */
  PRESENT,
  /** The stored value is null. */
  NULL_VALUE,
  /** No row for this entity. */
  NOT_FOUND,
  /** A value was found but is older than the feature's max age; it is not returned. */
  OUTSIDE_MAX_AGE
}
