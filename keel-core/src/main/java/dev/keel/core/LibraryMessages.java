package dev.keel.core;

import java.util.regex.Pattern;

/**
 * A native library's error message (ONNX Runtime, XGBoost, the file system) made fit for a client:
 * such messages hold absolute paths (the model file under the data directory, the library's own
 * source files), which must not reach a response or an endpoint's state. Each absolute path is
 * replaced by its last part ({@code /data/keel/models/m/1/model.onnx} becomes {@code model.onnx}),
 * so the reason stays readable. The original message belongs in the server log.
 */
public final class LibraryMessages {
  // An absolute path: a slash not preceded by a word, a dot or a slash (so URLs and relative
  // paths are left alone), at least one directory, then the last part.
  private static final Pattern UNIX_PATH =
      Pattern.compile("(?<![\\w.~/\\-])/(?:[^\\s/'\"()\\[\\]:,;]+/)+([^\\s/'\"()\\[\\]:,;]*)");
  private static final Pattern WINDOWS_PATH =
      Pattern.compile(
          "\\b[A-Za-z]:\\\\(?:[^\\s\\\\'\"()\\[\\]:,;]+\\\\)*([^\\s\\\\'\"()\\[\\]:,;]*)");

  private LibraryMessages() {}

  /** {@code message} with every absolute path replaced by its last part; "" for null. */
  public static String withoutPaths(String message) {
    if (message == null) {
      return "";
    }
    String m = UNIX_PATH.matcher(message).replaceAll("$1");
    return WINDOWS_PATH.matcher(m).replaceAll("$1");
  }
}
