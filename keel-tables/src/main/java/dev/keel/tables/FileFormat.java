package dev.keel.tables;

/** Formats a file written to a table can have. */
public enum FileFormat {
  /** Comma-separated values with a header line. */
  CSV,
  /** Apache Parquet. */
  PARQUET,
  /** Newline-delimited JSON, one object per line. */
  JSON
}
