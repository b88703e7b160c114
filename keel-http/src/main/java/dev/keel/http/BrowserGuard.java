package dev.keel.http;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses what a web page can make a user's browser send to Keel, before authentication, so it
 * holds with authentication off too. For every route, in order:
 *
 * <ol>
 *   <li><b>Host</b> (DNS rebinding: a page whose name was rebound to Keel's address sends its own
 *       name as {@code Host}): IP addresses and {@code localhost} are always accepted (a rebound
 *       page never has one); other names only when listed in {@code http.allowed-hosts}, or, with
 *       that setting empty, when the server is bound to all interfaces. Otherwise 403 {@code
 *       PERMISSION_DENIED}.
 *   <li><b>Origin</b> (cross-site requests): a request carrying an {@code Origin} is accepted when
 *       it is the server's own (its host and port are the request's {@code Host}, or the {@code
 *       X-Forwarded-Host} of a proxy: Swagger UI at {@code /api/docs}) or listed in {@code
 *       http.cors-allowed-origins}; otherwise 403 {@code PERMISSION_DENIED}, for every method (with
 *       CORS off no foreign page can read an answer, so none needs one). A state-changing request
 *       without {@code Origin} that a browser marks {@code Sec-Fetch-Site: cross-site} or {@code
 *       same-site} is refused too.
 *   <li><b>Content-Type</b> of POST, PUT, PATCH and DELETE: when given, it must be one the route
 *       takes ({@link Accepts}, JSON unless the route says otherwise), else 415 {@code
 *       UNSUPPORTED_MEDIA_TYPE}. A POST with a body must give one (a page can post a body without a
 *       type); PUT, PATCH and DELETE without one pass (a browser asks the server before sending
 *       those cross-site, so only programs send them without a type).
 * </ol>
 *
 * <p>With origins allowed, {@link #before} answers their CORS preflight requests and adds {@code
 * Access-Control-Allow-Origin} (the origin itself, never {@code *}, no credentials) to their
 * answers. Thread-safe.
 */
public final class BrowserGuard implements RouteGuard {
  private static final Set<HandlerType> CHANGING =
      Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

  private static final String METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";

  private static final Pattern IPV4 =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[a-z0-9._~-]+)?");
  private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~, -]*");

  private final List<String> allowedHosts;
  private final List<String> allowedOrigins;
  private final boolean anyHost;

  /**
   * A guard for a server bound to {@code bindHost}.
   *
   * @param allowedHosts host names besides IP addresses and localhost ({@link
   *     BrowserSettings#ALLOWED_HOSTS}); empty: any name when {@code bindHost} is all interfaces
   * @param allowedOrigins origins allowed to call from a browser ({@link
   *     BrowserSettings#CORS_ALLOWED_ORIGINS}); empty: CORS off
   */
  public BrowserGuard(String bindHost, List<String> allowedHosts, List<String> allowedOrigins) {
    Objects.requireNonNull(bindHost, "bindHost");
    this.allowedHosts = List.copyOf(allowedHosts);
    this.allowedOrigins = List.copyOf(allowedOrigins);
    this.anyHost =
        allowedHosts.contains("*") || (allowedHosts.isEmpty() && allInterfaces(bindHost));
  }

  /** A guard configured from {@code config}'s {@link BrowserSettings}. */
  public static BrowserGuard of(String bindHost, dev.keel.core.KeelConfig config) {
    return new BrowserGuard(
        bindHost,
        config.get(BrowserSettings.ALLOWED_HOSTS),
        config.get(BrowserSettings.CORS_ALLOWED_ORIGINS));
  }

  private static boolean allInterfaces(String bindHost) {
    String h = bindHost.startsWith("[") ? bindHost.substring(1, bindHost.length() - 1) : bindHost;
    try {
      return InetAddress.getByName(h).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void check(Context ctx, Access access) {
    checkHost(ctx);
    checkOrigin(ctx);
    checkContentType(ctx);
  }

  /**
   * Runs before routing, for every request: adds the CORS headers to requests from an allowed
   * origin and answers CORS preflight requests ({@code OPTIONS} with {@code Origin} and {@code
   * Access-Control-Request-Method}): 204 for an allowed origin, 403 otherwise. Other requests go on
   * to their route.
   */
  public void before(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    boolean allowed = allowedOrigins.contains(normalized(origin));
    if (allowed) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Access-Control-Expose-Headers", RequestIds.HEADER);
      ctx.header("Vary", "Origin");
    }
    boolean preflight =
        ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null;
    if (!preflight) {
      return;
    }
    ctx.skipRemainingHandlers();
    if (!allowed) {
      ctx.header("Vary", "Origin");
      throw refusedOrigin(origin);
    }
    ctx.header("Access-Control-Allow-Methods", METHODS);
    String headers = ctx.header("Access-Control-Request-Headers");
    if (headers != null && HEADER_LIST.matcher(headers).matches()) {
      ctx.header("Access-Control-Allow-Headers", headers);
    }
    ctx.header("Access-Control-Max-Age", "600");
    ctx.header("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    ctx.status(204);
  }

  // ------------------------------------------------------------------------------------- Host

  private void checkHost(Context ctx) {
    String host = ctx.header("Host");
    if (host == null || host.isBlank() || anyHost) {
      return;
    }
    String name = hostName(host);
    if (name.equals("localhost") || name.endsWith(".localhost") || ipLiteral(name)) {
      return;
    }
    for (String allowed : allowedHosts) {
      if (allowed.startsWith(".")
          ? name.equals(allowed.substring(1)) || name.endsWith(allowed)
          : name.equals(allowed)) {
        return;
      }
    }
    throw new KeelException(
        ErrorCode.PERMISSION_DENIED,
        "Host '"
            + printable(host)
            + "' is not a name this server answers to (a page whose name was rebound to this"
            + " server's address sends its own). Call it by IP address or localhost, or add the"
            + " name to the setting http.allowed-hosts.");
  }

  /** The name of a {@code Host} header, lower-case, without port, brackets or a final dot. */
  static String hostName(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close < 0 ? h : h.substring(0, close + 1);
    }
    int colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(':') == colon) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** True for an IPv4 address in dotted form or a bracketed IPv6 address. */
  static boolean ipLiteral(String name) {
    if (name.startsWith("[") && name.endsWith("]")) {
      return IPV6.matcher(name.substring(1, name.length() - 1)).matches();
    }
    Matcher m = IPV4.matcher(name);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }

  // ----------------------------------------------------------------------------------- Origin

  private void checkOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      String site = ctx.header("Sec-Fetch-Site");
      if (CHANGING.contains(ctx.method())
          && site != null
          && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
        throw new KeelException(
            ErrorCode.PERMISSION_DENIED,
            "A web page on another site sent this request (Sec-Fetch-Site: "
                + printable(site)
                + "); only the server's own pages and the origins in the setting"
                + " http.cors-allowed-origins may change anything from a browser.");
      }
      return;
    }
    if (sameOrigin(origin, ctx.header("Host"))
        || sameOrigin(origin, firstValue(ctx.header("X-Forwarded-Host")))
        || allowedOrigins.contains(normalized(origin))) {
      return;
    }
    throw refusedOrigin(origin);
  }

  /**
   * The first of a comma-separated header's values: a proxy that rewrites {@code Host} sends the
   * name the browser used as {@code X-Forwarded-Host}. A page cannot add that header to a
   * cross-site request without a preflight, which is refused, so trusting it for the same-origin
   * comparison opens nothing.
   */
  private static String firstValue(String header) {
    if (header == null) {
      return null;
    }
    int comma = header.indexOf(',');
    return comma < 0 ? header : header.substring(0, comma);
  }

  private static KeelException refusedOrigin(String origin) {
    return new KeelException(
        ErrorCode.PERMISSION_DENIED,
        "Requests from web pages at "
            + printable(origin)
            + " are refused: it is not this server's origin and not in the setting"
            + " http.cors-allowed-origins.");
  }

  /** True when {@code origin}'s host and port are the request's {@code Host}. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    if (scheme < 0) {
      return false; // "null" (sandboxed frames, file: pages) and anything malformed
    }
    String s = origin.substring(0, scheme).toLowerCase(Locale.ROOT);
    if (!(s.equals("http") || s.equals("https"))) {
      return false;
    }
    return origin.substring(scheme + 3).equalsIgnoreCase(host.strip());
  }

  /** {@code origin} in the form the settings hold, or itself when it is not an origin. */
  private static String normalized(String origin) {
    try {
      return BrowserSettings.origin(origin.strip());
    } catch (IllegalArgumentException e) {
      return origin;
    }
  }

  // ----------------------------------------------------------------------------- Content-Type

  private static void checkContentType(Context ctx) {
    if (!CHANGING.contains(ctx.method())) {
      return;
    }
    Accepts accepts = ctx.endpoint().metadata(Accepts.class);
    if (accepts == null) {
      accepts = Accepts.JSON;
    }
    if (accepts.any()) {
      return;
    }
    String type = ctx.header("Content-Type");
    if (type == null || type.isBlank()) {
      // A page can POST a body without a type (a Blob); PUT, PATCH and DELETE are preflighted, so
      // a body without a type there comes from a program, and is read as the route's type.
      if (ctx.method() != HandlerType.POST || !hasBody(ctx) || accepts.untyped()) {
        return;
      }
      throw new KeelException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "The request has a body but no Content-Type; "
              + ctx.method()
              + " "
              + ctx.endpoint().path
              + " takes "
              + accepts.describe()
              + " (curl: -H 'Content-Type: "
              + accepts.types().get(0)
              + "').");
    }
    if (!accepts.takes(type)) {
      throw new KeelException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type '"
              + printable(Accepts.mediaType(type))
              + "' is not supported: "
              + ctx.method()
              + " "
              + ctx.endpoint().path
              + " takes "
              + accepts.describe()
              + ".");
    }
  }

  private static boolean hasBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    return length > 0 || (length < 0 && ctx.header("Transfer-Encoding") != null);
  }

  /** {@code s} cut to 100 characters of printable ASCII, for messages that quote a header. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
