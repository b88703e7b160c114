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
   * that stays itself when read as a path (MLflow's {@code path_not_unique}: {@code
   * posixpath.normpath(key) == key}, not {@code .}, not starting with {@code ..} or {@code /}), so
   * {@code .}, {@code a/./b}, {@code a//b}, {@code a/} and {@code a/../b} are refused.
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
    if (!pathLikeUnique(key)) {
      throw KeelException.invalid(
          "Invalid "
              + field
              + " '"
              + key
              + "': names may be treated as paths and must not resolve to another name: no"
              + " leading or trailing '/', no empty, '.' or '..' segments, no leading '..'.");
    }
    return key;
  }

  /** True when {@code key} read as a POSIX path normalises to itself and stays relative. */
  private static boolean pathLikeUnique(String key) {
    if (key.startsWith("/") || key.startsWith("..")) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
