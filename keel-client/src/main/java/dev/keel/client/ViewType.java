package dev.keel.client;

/** Which lifecycle stages a search returns ({@code view_type} / {@code run_view_type}). */
public enum ViewType {
  /** Only active experiments or runs (the default). */
  ACTIVE_ONLY,
  /** Only soft-deleted ones. */
  DELETED_ONLY,
  /** Both. */
  ALL
}
