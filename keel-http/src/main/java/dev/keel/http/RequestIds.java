package dev.keel.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id of each request, sent back in {@code X-Request-Id} on every answer (errors included),
 * written into error bodies where the dialect has room for it, and named in the server log next to
 * an error's details. A client may choose the id by sending {@code X-Request-Id} itself: 1 to 128
 * characters of letters, digits and {@code - _ . : @ / + =}; any other value is replaced by a
 * generated one (a random UUID), so a header cannot inject text into the log.
 */
public final class RequestIds {
  /** The header carrying the id, both ways. */
  public static final String HEADER = "X-Request-Id";

  /** The longest client-chosen id kept. */
  public static final int MAX_LENGTH = 128;

  private static final String ATTRIBUTE = "keel.request-id";

  private RequestIds() {}

  /** Gives the request its id (the client's if sane, else a new one) and sets the header. */
  public static String assign(Context ctx) {
    String id = accept(ctx.header(HEADER)).orElseGet(RequestIds::generate);
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    return id;
  }

  /** The request's id, assigning one if it has none yet. */
  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id != null ? id : assign(ctx);
  }

  /** {@code header} if it is a sane client-chosen id. */
  public static java.util.Optional<String> accept(String header) {
    if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
      return java.util.Optional.empty();
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-_.:@/+=".indexOf(c) >= 0;
      if (!ok) {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(header);
  }

  /** A new random id (a UUID; not a secret, so no secure random on the hot path). */
  public static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }
}
