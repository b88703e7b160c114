package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.ColumnInfo;
import dev.keel.client.DataJson;
import dev.keel.client.FeatureMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsing shared by the table, feature and online commands. */
final class DataOptions {
  private DataOptions() {}

  /** {@code name:TYPE} (the type may hold commas and colons, e.g. {@code DECIMAL(10,2)}). */
  static List<ColumnInfo> columns(List<String> specs) {
    List<ColumnInfo> out = new ArrayList<>();
    for (String s : specs == null ? List.<String>of() : specs) {
      int i = s.indexOf(':');
      if (i <= 0 || i == s.length() - 1) {
        throw new IllegalArgumentException(
            "--column '" + s + "': expected NAME:TYPE, e.g. user_id:LONG");
      }
      out.add(ColumnInfo.of(s.substring(0, i).trim(), s.substring(i + 1).trim()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("give at least one --column NAME:TYPE");
    }
    return out;
  }

  /** Comma-separated names, trimmed, empty ones dropped. */
  static List<String> names(String csv) {
    List<String> out = new ArrayList<>();
    if (csv != null) {
      for (String s : csv.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** A JSON file or inline JSON. */
  static JsonNode json(String inline, Path file, String what) {
    if (inline != null && file != null) {
      throw new IllegalArgumentException("give " + what + " inline or as a file, not both");
    }
    if (file != null) {
      try {
        return DataJson.parse(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + file + "' is " + e.getMessage(), e);
      }
    }
    if (inline == null) {
      throw new IllegalArgumentException("give " + what);
    }
    try {
      return DataJson.parse(inline);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is " + e.getMessage(), e);
    }
  }

  /** Feature metadata from the command's options (absent ones are not set). */
  static FeatureMetadata metadata(
      String description, Map<String, String> tags, Long maxAgeSeconds) {
    FeatureMetadata m = FeatureMetadata.none();
    if (description != null) {
      m = m.withDescription(description);
    }
    if (tags != null && !tags.isEmpty()) {
      m = m.withTags(tags);
    }
    if (maxAgeSeconds != null) {
      m = m.withMaxAge(Duration.ofSeconds(maxAgeSeconds));
    }
    return m;
  }

  /** A cell: {@code NULL} for null, else the value's text. */
  static String cell(Object v) {
    return v == null ? "NULL" : v.toString();
  }

  /** An entity key value from the command line: an integer if it is one, else the text. */
  static Object key(String s) {
    String t = s.trim();
    if (t.matches("-?\\d{1,18}")) {
      return Long.parseLong(t);
    }
    return t;
  }
}
