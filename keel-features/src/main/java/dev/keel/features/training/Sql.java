package dev.keel.features.training;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting helpers: every name and literal that goes into generated SQL passes through here. */
final class Sql {
  private Sql() {}

  /** A quoted identifier. */
  static String id(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A quoted string literal. */
  static String string(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** {@code ['a.parquet', 'b.parquet']}. */
  static String fileList(List<Path> files) {
    return files.stream()
        .map(f -> string(f.toAbsolutePath().toString()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** A literal for a default value (number, string or boolean). */
  static String literal(Object v) {
    return switch (v) {
      case Boolean b -> b ? "TRUE" : "FALSE";
      case Double d when d.isNaN() || d.isInfinite() -> string(d.toString()) + "::DOUBLE";
      case Float f when f.isNaN() || f.isInfinite() -> string(f.toString()) + "::DOUBLE";
      case Number n -> n.toString();
      default -> string(v.toString());
    };
  }
}
