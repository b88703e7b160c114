package dev.keel.tracking.search;

/** What an identifier in a filter or {@code order_by} clause refers to. */
public enum Entity {
  /** A run's latest metric value ({@code metrics.<key>}). */
  METRIC("metric"),
  /** A run parameter ({@code params.<key>}). */
  PARAM("param"),
  /** A run or experiment tag ({@code tags.<key>}). */
  TAG("tag"),
  /** A column of the run or experiment itself ({@code attributes.<key>} or a bare key). */
  ATTRIBUTE("attribute"),
  /** A dataset the run used as input ({@code datasets.name|digest|context}). */
  DATASET("dataset");

  private final String label;

  Entity(String label) {
    this.label = label;
  }

  /** The singular name used in messages, e.g. {@code metric}. */
  public String label() {
    return label;
  }
}
