package dev.keel.client;

import java.nio.file.Path;
import java.util.Locale;

/** Formats of files {@link TablesClient#writeFile} uploads. */
public enum FileFormat {
  /** Comma-separated values with a header line. */
  CSV,
  /** Apache Parquet. */
  PARQUET,
  /** Newline-delimited JSON objects. */
  JSON;

  /**
   * The format named by the file's extension ({@code .csv}, {@code .parquet}, {@code .json} or
   * {@code .ndjson}/{@code .jsonl}).
   *
   * @throws IllegalArgumentException for any other extension
   */
  public static FileFormat of(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".csv")) {
      return CSV;
    }
    if (n.endsWith(".parquet")) {
      return PARQUET;
    }
    if (n.endsWith(".json") || n.endsWith(".ndjson") || n.endsWith(".jsonl")) {
      return JSON;
    }
    throw new IllegalArgumentException(
        "cannot tell the format of '" + file + "': expected .csv, .parquet or .json");
  }
}
