package dev.keel.core;

import java.util.regex.Pattern;

/** Input checks used at the API boundary. Each failure is a 400 that names the field. */
public final class Validate {
  private static final Pattern KEY = Pattern.compile("^[/\\w.\\- ]*$");

  private Validate() {}

  /** A required string field: present and not empty. */
  public static String required(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw KeelException.missing(field);
    }
    return value;
  }

  /** A string no longer than {@code max} characters. */
  public static String maxLength(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw KeelException.invalid(
          "'"
              + field
              + "' exceeds the maximum length of "
              + max
              + " characters (got "
              + value.length()
              + ")");
    }
    return value;
  }

  /**
   * A metric, param or tag key: at most 250 characters of letters, digits, {@code _ - . / space},
   * not absolute and without {@code ..} segments (MLflow's rule).
   */
  public static String key(String field, String key) {
    required(field, key);
    maxLength(field, key, 250);
    if (!KEY.matcher(key).matches()) {
      throw KeelException.invalid(
          "Invalid "
              + field
              + " '"
              + key
              + "': names may only contain alphanumerics, underscores (_), dashes (-), periods (.),"
              + " spaces ( ), and slashes (/).");
    }
    if (key.startsWith("/")
        || key.equals("..")
        || key.startsWith("../")
        || key.endsWith("/..")
        || key.contains("/../")) {
      throw KeelException.invalid(
          "Invalid " + field + " '" + key + "': names may not be absolute paths or contain '..'.");
    }
    return key;
  }
}
