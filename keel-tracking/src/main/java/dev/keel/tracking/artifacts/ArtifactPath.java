package dev.keel.tracking.artifacts;

import dev.keel.core.KeelException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated, relative artifact path such as {@code 3/abc/artifacts/model/MLmodel}: segments
 * separated by {@code /}, no empty, {@code .} or {@code ..} segments, no leading or trailing slash.
 * The empty path is the root of the store.
 *
 * <p>Every value of this type, however it was built, has passed the checks of {@link #parse}; the
 * canonical constructor refuses anything that is not already in canonical form. The value is used
 * literally on the file system: a raw path is <em>not</em> replaced by its decoded form, but every
 * decoded form of it (and its Unicode NFKC form) must pass the same checks, so a later layer that
 * decodes once more cannot turn it into a traversal.
 *
 * @param value the canonical path; empty for the root
 */
public record ArtifactPath(String value) {

  /** Longest accepted path, in characters. */
  public static final int MAX_LENGTH = 4096;

  /** Longest accepted segment, in UTF-8 bytes (the limit of common file systems). */
  public static final int MAX_SEGMENT_BYTES = 255;

  /** Prefix of the store's hidden folders; no segment may start with it (in any case). */
  static final String RESERVED_PREFIX = ".keel-tmp";

  /** Percent-decoding rounds after which a still-changing path is refused. */
  private static final int MAX_DECODE_ROUNDS = 8;

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:.*");

  private static final ArtifactPath ROOT = new ArtifactPath("");

  /** Checks that {@code value} is a canonical, safe path. */
  public ArtifactPath {
    Objects.requireNonNull(value, "value");
    if (!value.isEmpty()) {
      List<String> segments = check("path", value);
      if (!String.join("/", segments).equals(value)) {
        throw invalid("path", "must not have empty segments or leading or trailing slashes");
      }
    }
  }

  /** The root of the store (the empty path). */
  public static ArtifactPath root() {
    return ROOT;
  }

  /**
   * Validates a raw path as it came off the wire (already URL-decoded once by the HTTP layer, or
   * not at all).
   *
   * <p>The raw value and each of its percent-decodings (repeated until stable, so {@code
   * %252e%252e} is caught), and the NFKC form of each, must be free of: control characters (C0, C1,
   * DEL, line and paragraph separators) and unpaired surrogates, backslashes, {@code #}, {@code ?},
   * {@code ;}, a leading {@code /} (absolute POSIX path, {@code //host} UNC), Windows drive letters
   * ({@code C:}) and a first segment that looks like a URI scheme ({@code file:}), {@code .} and
   * {@code ..} segments, segments ending in a dot or a space (Windows would strip them), and
   * segments starting with {@value #RESERVED_PREFIX}. Percent-encoding that decodes to malformed
   * UTF-8 (such as the overlong {@code %c0%af}) is refused. Empty segments ({@code a//b}, a
   * trailing {@code /}) are collapsed. The raw path may be at most {@value #MAX_LENGTH} characters
   * and each segment at most {@value #MAX_SEGMENT_BYTES} UTF-8 bytes.
   *
   * @param field the request field the path came from, named in error messages
   * @param raw the path
   * @param allowEmpty whether the empty path (the root) is acceptable, as when listing
   * @throws KeelException INVALID_ARGUMENT ("Invalid path: ...") naming {@code field}
   */
  public static ArtifactPath parse(String field, String raw, boolean allowEmpty) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(raw, "raw");
    List<String> segments = check(field, raw);
    if (segments.isEmpty()) {
      if (!allowEmpty) {
        throw invalid(field, "must not be empty");
      }
      return ROOT;
    }
    return new ArtifactPath(String.join("/", segments));
  }

  /**
   * This path extended by {@code child}, which is validated like {@link #parse} (field {@code
   * path}) and must not be empty.
   */
  public ArtifactPath resolve(String child) {
    ArtifactPath rel = parse("path", child, false);
    if (isRoot()) {
      return rel;
    }
    String joined = value + "/" + rel.value;
    if (joined.length() > MAX_LENGTH) {
      throw invalid("path", "is longer than " + MAX_LENGTH + " characters");
    }
    return new ArtifactPath(joined);
  }

  /** Whether this is the root of the store (the empty path). */
  public boolean isRoot() {
    return value.isEmpty();
  }

  /** The segments of this path; empty for the root. */
  public List<String> segments() {
    return isRoot() ? List.of() : List.of(value.split("/", -1));
  }

  /** The last segment; empty for the root. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return value;
  }

  /** Whether {@code value} (say, a name found on disk under a listed directory) is addressable. */
  static boolean isAddressable(String value) {
    try {
      new ArtifactPath(value);
      return true;
    } catch (KeelException e) {
      return false;
    }
  }

  /** Whether {@code name} starts with the reserved prefix, ignoring case. */
  static boolean isReserved(String name) {
    return name.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX);
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs every check on {@code raw} and its decodings; returns the non-empty raw segments. */
  private static List<String> check(String field, String raw) {
    if (raw.length() > MAX_LENGTH) {
      throw invalid(field, "is longer than " + MAX_LENGTH + " characters");
    }
    String level = raw;
    for (int round = 0; ; round++) {
      checkForm(field, level);
      String nfkc = Normalizer.normalize(level, Normalizer.Form.NFKC);
      if (!nfkc.equals(level)) {
        checkForm(field, nfkc);
      }
      String decoded = percentDecode(field, level);
      if (decoded.equals(level)) {
        break;
      }
      if (round == MAX_DECODE_ROUNDS) {
        throw invalid(field, "is percent-encoded too many times");
      }
      level = decoded;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : raw.split("/", -1)) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw invalid(field, "has a segment longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
      segments.add(segment);
    }
    return segments;
  }

  /** The checks on one form (raw, decoded or normalized) of a path. */
  private static void checkForm(String field, String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw invalid(field, "must not contain control characters");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < path.length()
          && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        throw invalid(field, "must not contain unpaired surrogate characters");
      }
      switch (c) {
        case '\\' -> throw invalid(field, "must not contain backslashes");
        case '#' -> throw invalid(field, "must not contain '#'");
        case '?' -> throw invalid(field, "must not contain '?'");
        case ';' -> throw invalid(field, "must not contain ';'");
        default -> {}
      }
    }
    if (path.startsWith("/")) {
      throw invalid(field, "must be relative, not absolute");
    }
    String[] segments = path.split("/", -1);
    if (segments.length > 0 && SCHEME.matcher(segments[0]).matches()) {
      throw invalid(field, "must not start with a drive letter or URI scheme");
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals("..")) {
        throw invalid(field, "must not contain '..' segments");
      }
      if (segment.equals(".")) {
        throw invalid(field, "must not contain '.' segments");
      }
      if (DRIVE.matcher(segment).matches()) {
        throw invalid(field, "must not contain a drive letter");
      }
      char lastChar = segment.charAt(segment.length() - 1);
      if (lastChar == '.' || lastChar == ' ') {
        throw invalid(field, "must not have a segment ending in a dot or a space");
      }
      if (isReserved(segment)) {
        throw invalid(field, "must not address the store's reserved '" + RESERVED_PREFIX + "'");
      }
    }
  }

  /**
   * Validates a path taken from a request URI, still percent-encoded: decodes it once (as an HTTP
   * layer would) and then applies {@link #parse}.
   */
  public static ArtifactPath fromUri(String field, String encoded, boolean allowEmpty) {
    return parse(field, percentDecode(field, encoded), allowEmpty);
  }

  /**
   * One round of percent-decoding. {@code %XX} runs are decoded as UTF-8 (strictly: malformed or
   * overlong sequences are refused); a {@code %} not followed by two hex digits stays literal, and
   * {@code +} stays {@code +} (this is a path, not a form).
   */
  private static String percentDecode(String field, String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      if (isEscape(s, i)) {
        bytes.reset();
        while (isEscape(s, i)) {
          bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
          i += 3;
        }
        try {
          out.append(
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
          throw invalid(field, "contains percent-encoding that is not valid UTF-8");
        }
      } else {
        out.append(s.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isEscape(String s, int i) {
    return i + 2 < s.length()
        && s.charAt(i) == '%'
        && hex(s.charAt(i + 1)) >= 0
        && hex(s.charAt(i + 2)) >= 0;
  }

  /**
   * The value of an ASCII hex digit, or -1 (Unicode digits such as full-width ones are not hex).
   */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static KeelException invalid(String field, String why) {
    return KeelException.invalid("Invalid path: '" + field + "' " + why);
  }
}
