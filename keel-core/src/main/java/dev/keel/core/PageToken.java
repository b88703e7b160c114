package dev.keel.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opaque paging tokens. An offset token is base64 of {@code {"offset": N}}, the same shape MLflow
 * uses, so clients that peek at it keep working; a keyset token (lists ordered by name: catalogs,
 * schemas, tables) is base64 of {@code {"after": "<name>"}}. Tokens are opaque to clients: anything
 * that does not decode to the shape the list hands out is a 400 naming {@code page_token}, on every
 * API that pages.
 */
public final class PageToken {
  private static final Pattern OFFSET =
      Pattern.compile("^\\{\\s*\"offset\"\\s*:\\s*(\\d{1,12})\\s*}$");

  private static final Pattern AFTER =
      Pattern.compile("^\\{\\s*\"after\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}$");

  private static final String INVALID = "Invalid page token: 'page_token' could not be decoded.";

  private PageToken() {}

  /** Encodes the name of the last item of a page into a keyset token. */
  public static String ofName(String lastName) {
    StringBuilder json = new StringBuilder("{\"after\": \"");
    for (char c : lastName.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\');
      }
      json.append(c);
    }
    json.append("\"}");
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a keyset token into the name the next page starts after; an absent or empty token is
   * empty (the first page).
   */
  public static Optional<String> after(Optional<String> token) {
    if (token.isEmpty() || token.get().isBlank()) {
      return Optional.empty();
    }
    Matcher m = AFTER.matcher(decode(token.get()));
    if (!m.matches()) {
      throw KeelException.invalid(INVALID);
    }
    String name = m.group(1).replaceAll("\\\\(.)", "$1");
    if (name.isEmpty()) {
      throw KeelException.invalid(INVALID);
    }
    return Optional.of(name);
  }

  private static String decode(String token) {
    try {
      String raw = token.trim();
      byte[] bytes =
          raw.contains("+") || raw.contains("/")
              ? Base64.getDecoder().decode(raw)
              : Base64.getUrlDecoder().decode(raw);
      return new String(bytes, StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(INVALID);
    }
  }

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
    Matcher m = OFFSET.matcher(decode(token.get()));
    if (!m.matches()) {
      throw KeelException.invalid(INVALID);
    }
    return Long.parseLong(m.group(1));
  }
}
