package dev.keel.monitoring.alerts;

import dev.keel.core.KeelException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs Keel posts to. Saved URLs must be {@code http} or {@code https}, with a host,
 * without user info (credentials) and without a fragment. Unless private addresses are allowed
 * ({@code allowPrivate}), a URL whose host is, or resolves to, a loopback, unspecified, link-local
 * (cloud metadata), site-local (RFC 1918), unique-local (fc00::/7), shared (100.64.0.0/10) or
 * multicast address is refused: at save time when the host is an IP literal, and before every
 * delivery for every address the name resolves to (server-side request forgery). Redirects are
 * never followed.
 */
public final class WebhookUrls {
  /** The longest URL accepted. */
  public static final int MAX_LENGTH = 2048;

  private WebhookUrls() {}

  /**
   * Checks a URL being saved.
   *
   * @param field the request field, e.g. {@code notifications.webhooks[0].url}
   * @return the parsed URI
   * @throws KeelException INVALID_ARGUMENT naming {@code field} and the reason
   */
  public static URI check(String field, String url, boolean allowPrivate) {
    if (url.isBlank()) {
      throw KeelException.invalid(field + ": must not be empty");
    }
    if (url.length() > MAX_LENGTH) {
      throw KeelException.invalid(field + ": longer than " + MAX_LENGTH + " characters");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw KeelException.invalid(field + ": not a valid URL (" + e.getReason() + ")");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw KeelException.invalid(field + ": only http and https URLs are allowed");
    }
    if (u.getRawUserInfo() != null
        || (u.getRawAuthority() != null && u.getRawAuthority().contains("@"))) {
      throw KeelException.invalid(
          field + ": must not carry credentials (user info); sign deliveries with a secret");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw KeelException.invalid(field + ": has no host");
    }
    if (u.getRawFragment() != null) {
      throw KeelException.invalid(field + ": must not have a fragment");
    }
    if (!allowPrivate) {
      Optional<InetAddress> literal = literal(u.getHost());
      if (literal.isPresent() && blocked(literal.get())) {
        throw KeelException.invalid(
            field + ": " + u.getHost() + " is a private, loopback or link-local address");
      }
    }
    return u;
  }

  /**
   * Why a delivery to {@code host} is refused now (it resolves to a blocked address), or empty when
   * it may go ahead.
   */
  static Optional<String> refusal(String host, boolean allowPrivate) {
    if (allowPrivate) {
      return Optional.empty();
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (blocked(a)) {
          return Optional.of(
              "address not allowed: "
                  + host
                  + " resolves to "
                  + a.getHostAddress()
                  + " (private, loopback or link-local)");
        }
      }
      return Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty(); // the client's own lookup fails and the attempt is retried
    }
  }

  private static Optional<InetAddress> literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = h.matches("[0-9.]+");
    boolean v6 = h.contains(":");
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(h));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Whether Keel refuses to post to {@code a} unless private addresses are allowed. */
  static boolean blocked(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240;
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // unique local fc00::/7
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return blocked(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }
}
