package dev.keel.http;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings of {@link BrowserGuard}: which {@code Host} names the server answers to ({@code
 * http.allowed-hosts}) and which other web origins may call it from a browser ({@code
 * http.cors-allowed-origins}, empty by default: CORS is off).
 */
public final class BrowserSettings {
  private BrowserSettings() {}

  /**
   * Host names (no port) the server answers to besides IP addresses and {@code localhost}: {@code
   * keel.example.com}, {@code .example.com} (the domain and its subdomains), or {@code *} (any
   * name). Empty (the default): any name when bound to all interfaces, none otherwise.
   */
  public static final Setting<List<String>> ALLOWED_HOSTS =
      new Setting<>(
          "http.allowed-hosts",
          "Comma-separated host names the server answers to besides IP addresses and localhost"
              + " (keel.example.com, .example.com for a domain and its subdomains, * for any);"
              + " empty: any when bound to all interfaces, none otherwise",
          List.of(),
          BrowserSettings::hosts);

  /**
   * Origins ({@code https://app.example.com}, scheme, host and port only) whose web pages may call
   * the API from a browser (CORS); empty (the default) turns CORS off: only pages the server itself
   * serves may.
   */
  public static final Setting<List<String>> CORS_ALLOWED_ORIGINS =
      new Setting<>(
          "http.cors-allowed-origins",
          "Comma-separated origins (https://app.example.com) whose web pages may call the API from"
              + " a browser; empty (the default): CORS off, only the server's own pages may",
          List.of(),
          BrowserSettings::origins);

  /** Both settings. */
  public static final ConfigSection SECTION =
      new ConfigSection("browser", List.of(ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS));

  static List<String> hosts(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : split(text)) {
      String h = raw.toLowerCase(Locale.ROOT);
      if (h.endsWith(".")) {
        h = h.substring(0, h.length() - 1);
      }
      if (!h.equals("*") && !h.matches("\\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_-]+)*")) {
        throw new IllegalArgumentException(
            "'" + raw + "' is not a host name (no scheme, port or path; .example.com or *)");
      }
      out.add(h);
    }
    return List.copyOf(out);
  }

  static List<String> origins(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : split(text)) {
      if (raw.equals("*") || raw.equalsIgnoreCase("null")) {
        throw new IllegalArgumentException(
            "'" + raw + "' is not allowed: list each origin (https://app.example.com)");
      }
      out.add(origin(raw));
    }
    return List.copyOf(out);
  }

  /** {@code raw} as an origin, lower-case, default port dropped; refuses anything else. */
  static String origin(String raw) {
    URI u;
    try {
      u = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + raw + "' is not an origin (https://host[:port])");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    boolean bare =
        (u.getRawPath() == null || u.getRawPath().isEmpty())
            && u.getRawQuery() == null
            && u.getRawFragment() == null
            && u.getRawUserInfo() == null;
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || !bare) {
      throw new IllegalArgumentException(
          "'" + raw + "' is not an origin: scheme http or https, a host, maybe a port, no path");
    }
    int port = u.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  private static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String s : text.split(",")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }
}
