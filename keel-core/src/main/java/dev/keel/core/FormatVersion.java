package dev.keel.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code format_version} field every persisted JSON format carries (training-set records,
 * feature specs, endpoint configs, ...). Written on save; on read, an absent field is version 1
 * (documents written before versions were recorded) and a version newer than this Keel reads is
 * refused with a message naming it.
 */
public final class FormatVersion {
  /** The field's name. */
  public static final String FIELD = "format_version";

  private FormatVersion() {}

  /** Writes {@code version} as the document's format version. */
  public static void write(ObjectNode doc, int version) {
    doc.put(FIELD, version);
  }

  /**
   * The format version of {@code doc}, checked to be one this Keel reads ({@code 1..current}).
   *
   * @param what the document, as errors name it ("the training set of run 'x'")
   * @param code the error for a version that cannot be read: {@link ErrorCode#FAILED_PRECONDITION}
   *     for documents users keep (run artifacts, specs), {@link ErrorCode#INTERNAL_ERROR} for
   *     Keel's own state
   * @throws KeelException {@code code} for a newer or malformed version
   */
  public static int read(JsonNode doc, int current, String what, ErrorCode code) {
    JsonNode v = doc.get(FIELD);
    if (v == null || v.isNull()) {
      return 1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw new KeelException(
          code, what + " has an invalid " + FIELD + " " + v + " (expected a positive integer)");
    }
    int version = v.asInt();
    if (version > current) {
      throw new KeelException(
          code,
          what
              + " has "
              + FIELD
              + " "
              + version
              + ", newer than this Keel reads (up to "
              + current
              + "); upgrade Keel to read it");
    }
    return version;
  }
}
