package dev.keel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Request bodies given on the command line: read from a file or standard input ({@code -}) and
 * parsed, with errors that name the option and where the text is wrong.
 */
final class JsonInput {
  /** Built on first use (class loading is most of a command's start). */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private JsonInput() {}

  /**
   * The text of {@code file}, or of standard input when it is {@code -}.
   *
   * @throws IllegalArgumentException naming {@code option} when it cannot be read
   */
  static String read(String file, String option) {
    try {
      if (file.equals("-")) {
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + " '" + file + "': no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          option + ": cannot read '" + file + "': " + e.getMessage(), e);
    }
  }

  /** A JSON object read from {@code file} (or standard input for {@code -}). */
  static ObjectNode object(String file, String option, String kind) {
    String what = file.equals("-") ? option + " (standard input)" : option + " '" + file + "'";
    return object(parse(Mapper.JSON, "JSON", read(file, option), what), what, kind);
  }

  /**
   * Parses {@code text} with {@code mapper}.
   *
   * @param format {@code JSON} or {@code YAML}, for the message
   * @param what the option (and file) the text came from, for the message
   * @throws IllegalArgumentException with the line and column of a syntax error
   */
  static JsonNode parse(ObjectMapper mapper, String format, String text, String what) {
    try {
      JsonNode n = mapper.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new IllegalArgumentException(what + ": empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          what + ": not valid " + format + where + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code n} as an object.
   *
   * @param kind what the object is, e.g. {@code JobSettings}, for the message
   */
  static ObjectNode object(JsonNode n, String what, String kind) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(
          what + ": " + kind + " must be a JSON object, got " + n.getNodeType());
    }
    return (ObjectNode) n;
  }
}
