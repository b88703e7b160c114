package dev.keel.catalog;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Naming rules for catalog objects, after Unity Catalog (databricks.md §1.7): a name is 1 to 255
 * characters of ASCII letters, digits, {@code _}, {@code -} and {@code @} (OSS UC's rule, which
 * also keeps out hosted UC's forbidden period, space, slash and control characters). Names are
 * stored lower-case, so lookups are case-insensitive. Each broken rule is a 400 {@code
 * INVALID_ARGUMENT} that names the field and the rule.
 */
public final class Names {
  /** Longest name, in characters. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9_@-]+");

  private Names() {}

  /**
   * Checks {@code value} against the rules and returns it lower-cased.
   *
   * @param field the request field, for the error message
   */
  public static String check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid("'" + field + "' is required and must not be empty.");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid(
          "'"
              + field
              + "' is too long: at most "
              + MAX_LENGTH
              + " characters (got "
              + value.length()
              + ").");
    }
    if (!ALLOWED.matcher(value).matches()) {
      throw invalid("'" + field + "' " + show(value) + " " + brokenRule(value));
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static String brokenRule(String value) {
    if (value.indexOf('.') >= 0) {
      return "must not contain a period (.): it separates the levels of a full name.";
    }
    if (value.indexOf('/') >= 0) {
      return "must not contain a slash (/).";
    }
    if (value.indexOf(' ') >= 0) {
      return "must not contain a space.";
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "must not contain control characters.";
    }
    return "may only contain ASCII letters, digits, underscores (_), hyphens (-) and at signs"
        + " (@).";
  }

  /**
   * Splits a two-level full name {@code catalog.schema} into its checked, lower-cased parts.
   *
   * @param field the request field, for the error message
   */
  public static String[] checkFullName(String field, String fullName, int levels) {
    if (fullName == null || fullName.isEmpty()) {
      throw invalid("'" + field + "' is required and must not be empty.");
    }
    String[] parts = fullName.split("\\.", -1);
    if (parts.length != levels) {
      throw invalid(
          "'"
              + field
              + "' "
              + show(fullName)
              + " must have "
              + levels
              + " dot-separated parts ("
              + (levels == 2 ? "catalog.schema" : "catalog.schema.name")
              + ").");
    }
    for (int i = 0; i < parts.length; i++) {
      parts[i] = check(field, parts[i]);
    }
    return parts;
  }

  private static String show(String value) {
    StringBuilder b = new StringBuilder("'");
    int shown = 0;
    for (int i = 0; i < value.length() && shown < 80; i++, shown++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > 80) {
      b.append("...");
    }
    return b.append('\'').toString();
  }

  static KeelException invalid(String message) {
    return new KeelException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
