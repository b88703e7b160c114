package dev.keel.features;

/** How much of a feature table a publish sends to the online store (Databricks' names). */
public enum PublishMode {
  /** Every entity's latest row. */
  SNAPSHOT,
  /** Only rows in data files added since the last publish to the same store (all on the first). */
  TRIGGERED
}
