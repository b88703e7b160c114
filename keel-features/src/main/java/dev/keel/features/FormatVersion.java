package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;

/**
 * The {@code format_version} field of the feature store's persisted JSON documents (training-set
 * records, feature specs). Written on save; on read, an absent field is version 1 (documents
 * written before versions were recorded) and a version newer than this Keel reads is refused.
 */
final class FormatVersion {
  static final String FIELD = "format_version";

  private FormatVersion() {}

  /** Writes {@code version} as the document's format version. */
  static void write(ObjectNode doc, int version) {
    doc.put(FIELD, version);
  }

  /**
   * The format version of {@code doc}, checked to be one this Keel reads ({@code 1..current}).
   *
   * @param what the document, as errors name it ("the training set of run 'x'")
   * @throws KeelException {@link ErrorCode#FAILED_PRECONDITION} for a newer or malformed version
   */
  static int read(JsonNode doc, int current, String what) {
    JsonNode v = doc.get(FIELD);
    if (v == null || v.isNull()) {
      return 1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          what + " has an invalid " + FIELD + " " + v + " (expected a positive integer)");
    }
    int version = v.asInt();
    if (version > current) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
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
