package dev.keel.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opaque paging tokens. A token is base64 of {@code {"offset": N}}, the same shape MLflow uses, so
 * clients that peek at it keep working. Tokens are opaque to clients: anything that does not decode
 * is a 400 naming {@code page_token}.
 */
public final class PageToken {
  private static final Pattern OFFSET =
      Pattern.compile("^\\{\\s*\"offset\"\\s*:\\s*(\\d{1,12})\\s*}$");

  private PageToken() {}

  /** Encodes an offset into a token. */
  public static String ofOffset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0");
    }
    String json = "{\"offset\": " + offset + "}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token into an offset; an absent or empty token is offset 0. */
  public static long offset(Optional<String> token) {
    if (token.isEmpty() || token.get().isBlank()) {
      return 0;
    }
    String json;
    try {
      String raw = token.get().trim();
      byte[] bytes =
          raw.contains("+") || raw.contains("/")
              ? Base64.getDecoder().decode(raw)
              : Base64.getUrlDecoder().decode(raw);
      json = new String(bytes, StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid("Invalid page token: 'page_token' could not be decoded.");
    }
    Matcher m = OFFSET.matcher(json);
    if (!m.matches()) {
      throw KeelException.invalid("Invalid page token: 'page_token' could not be decoded.");
    }
    return Long.parseLong(m.group(1));
  }
}
