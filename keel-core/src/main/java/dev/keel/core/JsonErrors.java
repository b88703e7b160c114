package dev.keel.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Pattern;

/**
 * Why a JSON text could not be parsed, in words for the client: Jackson's own messages name its
 * classes and settings ({@code StreamReadConstraints.getMaxNestingDepth()}, {@code
 * DeserializationFeature.FAIL_ON_TRAILING_TOKENS}, {@code [Source: ...]}), which must not reach a
 * response. The full exception belongs in the server log.
 */
public final class JsonErrors {
  private static final Pattern INTERNAL = Pattern.compile("`|com\\.fasterxml|\\bjava\\.|Source:");

  private JsonErrors() {}

  /**
   * A short reason, such as {@code "Unexpected character ('}' (code 125)): expected a value at line
   * 1, column 9"} or {@code "it nests deeper than the limit of 64 levels"}.
   *
   * @param maxNesting the nesting limit the parser was configured with, to name in the reason
   */
  public static String reason(JsonProcessingException e, int maxNesting) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (original.contains("nesting depth")) {
        return "it nests deeper than the limit of " + maxNesting + " levels";
      }
      if (original.startsWith("String value length")) {
        return "a string is longer than the limit";
      }
      if (original.startsWith("Number value length")) {
        return "a number has more digits than the limit";
      }
      return "it exceeds a limit of the JSON parser";
    }
    String text = original.lines().findFirst().orElse("").trim();
    for (String cut : new String[] {" (start marker", "\n", " at [Source"}) {
      int i = text.indexOf(cut);
      if (i >= 0) {
        text = text.substring(0, i);
      }
    }
    if (text.startsWith("Trailing token")) {
      text = "there is more after the JSON value";
    } else if (text.startsWith("Unexpected end-of-input")) {
      text = "the body ends before the JSON value does";
    } else if (text.isEmpty() || INTERNAL.matcher(text).find()) {
      text = "it is not valid JSON";
    }
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      text += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
    return text;
  }
}
