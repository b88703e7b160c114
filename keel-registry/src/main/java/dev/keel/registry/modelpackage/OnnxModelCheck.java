package dev.keel.registry.modelpackage;

import java.io.IOException;
import java.io.InputStream;

/**
 * A structural check of an ONNX {@code ModelProto} file without any ONNX or protobuf library: the
 * file must decode, in protobuf wire format, as a sequence of valid fields that ends exactly at the
 * end of the file, with {@code ir_version} (field 1, varint) and {@code graph} (field 7,
 * length-delimited) present, and {@code opset_import} (field 8) too from IR version 3 on (so a file
 * cut at a field boundary after the graph is still caught); the graph's content must itself decode
 * as a sequence of valid fields.
 *
 * <p>Streams the file once, skipping over field contents, so memory use is constant whatever the
 * size. Only the top level and the graph (one level down) are walked, iteratively, so a crafted
 * file cannot make the check recurse. Deprecated group wire types (3, 4) and the undefined ones (6,
 * 7) are refused, as ONNX never writes them.
 */
final class OnnxModelCheck {

  /** ModelProto field numbers. */
  private static final int IR_VERSION = 1;

  private static final int GRAPH = 7;

  private static final int OPSET_IMPORT = 8;

  /** From this IR version on, ONNX requires at least one {@code opset_import}. */
  private static final long OPSET_REQUIRED_FROM_IR = 3;

  /** The largest field number protobuf allows. */
  private static final long MAX_FIELD_NUMBER = (1L << 29) - 1;

  /** The highest ONNX IR version accepted as plausible (IR 11 is current in 2026; room to grow). */
  static final long MAX_IR_VERSION = 100;

  private OnnxModelCheck() {}

  /** Why the bytes are not a ModelProto; the message is meant for users. */
  static final class NotOnnx extends Exception {
    private static final long serialVersionUID = 1L;

    NotOnnx(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Checks {@code in}, which holds exactly {@code size} bytes.
   *
   * @throws NotOnnx saying what is wrong and at which byte offset
   */
  static void check(InputStream in, long size) throws IOException, NotOnnx {
    if (size == 0) {
      throw new NotOnnx("the file is empty");
    }
    Reader r = new Reader(in);
    boolean irVersion = false;
    boolean graph = false;
    boolean opsetImport = false;
    long irVersionValue = 0;
    while (r.pos < size) {
      long fieldStart = r.pos;
      long tag = r.varint(size, "field tag");
      int wireType = (int) (tag & 7);
      long field = tag >>> 3;
      checkField(field, wireType, fieldStart);
      if (field == IR_VERSION && wireType != 0) {
        throw new NotOnnx(
            "field 1 (ir_version) at byte "
                + fieldStart
                + " is not a varint (wire type "
                + wireType
                + ")");
      }
      if (field == GRAPH && wireType != 2) {
        throw new NotOnnx(
            "field 7 (graph) at byte "
                + fieldStart
                + " is not length-delimited (wire type "
                + wireType
                + ")");
      }
      if (field == IR_VERSION) {
        long v = r.varint(size, "ir_version");
        if (v < 1 || v > MAX_IR_VERSION) {
          throw new NotOnnx("ir_version " + v + " is not a plausible ONNX IR version");
        }
        irVersion = true;
        irVersionValue = v;
      } else if (field == GRAPH) {
        long len = length(r, size, field, fieldStart);
        walkNested(r, r.pos + len, "graph");
        graph = true;
      } else {
        opsetImport |= field == OPSET_IMPORT && wireType == 2;
        skipValue(r, size, field, wireType, fieldStart);
      }
    }
    if (!irVersion) {
      throw new NotOnnx("there is no ir_version (field 1)");
    }
    if (!graph) {
      throw new NotOnnx("there is no graph (field 7)");
    }
    if (!opsetImport && irVersionValue >= OPSET_REQUIRED_FROM_IR) {
      throw new NotOnnx(
          "there is no opset_import (field 8), which IR version "
              + irVersionValue
              + " requires (truncated file?)");
    }
  }

  /** Walks the fields of an embedded message that ends at {@code end}, without descending. */
  private static void walkNested(Reader r, long end, String what) throws IOException, NotOnnx {
    while (r.pos < end) {
      long fieldStart = r.pos;
      long tag = r.varint(end, what + " field tag");
      int wireType = (int) (tag & 7);
      long field = tag >>> 3;
      checkField(field, wireType, fieldStart);
      skipValue(r, end, field, wireType, fieldStart);
    }
  }

  private static void checkField(long field, int wireType, long at) throws NotOnnx {
    if (field == 0 || field > MAX_FIELD_NUMBER) {
      throw new NotOnnx("invalid protobuf field number " + field + " at byte " + at);
    }
    if (wireType == 3 || wireType == 4 || wireType > 5) {
      throw new NotOnnx("invalid protobuf wire type " + wireType + " at byte " + at);
    }
  }

  private static void skipValue(Reader r, long end, long field, int wireType, long fieldStart)
      throws IOException, NotOnnx {
    switch (wireType) {
      case 0 -> r.varint(end, "field " + field);
      case 1 -> r.skip(8, end, field, fieldStart);
      case 5 -> r.skip(4, end, field, fieldStart);
      case 2 -> r.skip(length(r, end, field, fieldStart), end, field, fieldStart);
      default ->
          throw new NotOnnx("invalid protobuf wire type " + wireType + " at byte " + fieldStart);
    }
  }

  private static long length(Reader r, long end, long field, long fieldStart)
      throws IOException, NotOnnx {
    long len = r.varint(end, "length of field " + field);
    if (len < 0 || len > end - r.pos) {
      throw new NotOnnx(
          "field "
              + field
              + " at byte "
              + fieldStart
              + " claims "
              + Long.toUnsignedString(len)
              + " bytes but only "
              + (end - r.pos)
              + " remain (truncated file?)");
    }
    return len;
  }

  /** A position-counting reader over the stream. */
  private static final class Reader {
    private final InputStream in;
    long pos;

    Reader(InputStream in) {
      this.in = in;
    }

    long varint(long end, String what) throws IOException, NotOnnx {
      long start = pos;
      long value = 0;
      for (int i = 0; i < 10; i++) {
        if (pos >= end) {
          throw new NotOnnx("the " + what + " at byte " + start + " is cut off (truncated file?)");
        }
        int b = in.read();
        if (b < 0) {
          throw new NotOnnx("the file ends inside the " + what + " at byte " + start);
        }
        pos++;
        if (i == 9 && (b & 0x7e) != 0) {
          break;
        }
        value |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new NotOnnx("the " + what + " at byte " + start + " is not a valid varint");
    }

    void skip(long n, long end, long field, long fieldStart) throws IOException, NotOnnx {
      if (n > end - pos) {
        throw new NotOnnx(
            "field " + field + " at byte " + fieldStart + " runs past its end (truncated file?)");
      }
      long left = n;
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new NotOnnx("the file ends inside field " + field + " at byte " + fieldStart);
          }
          skipped = 1;
        }
        left -= skipped;
        pos += skipped;
      }
    }
  }
}
