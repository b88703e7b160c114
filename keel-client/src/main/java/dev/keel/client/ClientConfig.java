package dev.keel.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a client connects and the token it sends, resolved the way the Databricks CLI does: each of
 * the URL and the token comes from the first that has it of an explicit value ({@code --url},
 * {@code --token}), the environment ({@code KEEL_URL}, else {@code KEEL_HOST} as a job's task
 * process gets it; {@code KEEL_TOKEN}), and a profile of the config file ({@code host}, {@code
 * token}); the URL defaults to {@link KeelClient#DEFAULT_URL}.
 *
 * <p>The config file is {@code $KEEL_CONFIG_FILE}, else {@code ~/.keel/config}: INI sections, one
 * per profile, {@code [DEFAULT]} used unless another is named ({@code --profile}, else {@code
 * KEEL_PROFILE}); a named profile falls back to {@code [DEFAULT]} for keys it does not set.
 *
 * <pre>
 * [DEFAULT]
 * host  = http://127.0.0.1:8080
 * token = keel_...
 *
 * [prod]
 * host  = https://keel.example.com
 * token = keel_...
 * </pre>
 *
 * @param url the server URL
 * @param token the bearer token; empty for none
 */
public record ClientConfig(String url, String token) {
  /** The profile used unless another is named. */
  public static final String DEFAULT_PROFILE = "DEFAULT";

  public ClientConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
  }

  /** The configuration from the process environment and the config file. */
  public static ClientConfig fromEnvironment() {
    return resolve(Optional.empty(), Optional.empty(), Optional.empty(), System.getenv());
  }

  /**
   * Resolves a configuration.
   *
   * @param url an explicit URL ({@code --url})
   * @param token an explicit token ({@code --token})
   * @param profile an explicit profile ({@code --profile})
   * @param env the environment ({@code KEEL_URL}, {@code KEEL_HOST}, {@code KEEL_TOKEN}, {@code
   *     KEEL_PROFILE}, {@code KEEL_CONFIG_FILE}, {@code HOME})
   * @throws IllegalArgumentException when a named profile is not in the config file, or the file
   *     cannot be parsed
   */
  public static ClientConfig resolve(
      Optional<String> url,
      Optional<String> token,
      Optional<String> profile,
      Map<String, String> env) {
    Optional<String> named = first(profile, Optional.ofNullable(env.get("KEEL_PROFILE")));
    Path file = configFile(env);
    Map<String, String> p = profile(file, named.orElse(DEFAULT_PROFILE), named.isPresent());
    String u =
        first(
                url,
                Optional.ofNullable(env.get("KEEL_URL")),
                Optional.ofNullable(env.get("KEEL_HOST")),
                Optional.ofNullable(p.get("host")))
            .orElse(KeelClient.DEFAULT_URL);
    String t =
        first(
                token,
                Optional.ofNullable(env.get("KEEL_TOKEN")),
                Optional.ofNullable(p.get("token")))
            .orElse("");
    return new ClientConfig(u, t);
  }

  /** A client for this configuration. */
  public KeelClient client() {
    return builder().build();
  }

  /** A client builder for this configuration, to change other settings. */
  public KeelClient.Builder builder() {
    return KeelClient.builder(url).bearerToken(token);
  }

  /** The config file: {@code $KEEL_CONFIG_FILE}, else {@code ~/.keel/config}. */
  public static Path configFile(Map<String, String> env) {
    String explicit = env.get("KEEL_CONFIG_FILE");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit.strip());
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".keel", "config");
  }

  /** The keys of {@code name} in {@code file}, {@code [DEFAULT]}'s filling the gaps. */
  private static Map<String, String> profile(Path file, String name, boolean required) {
    if (!Files.isRegularFile(file)) {
      if (required) {
        throw new IllegalArgumentException(
            "profile '" + name + "' not found: there is no config file " + file);
      }
      return Map.of();
    }
    Map<String, Map<String, String>> sections;
    try {
      sections = parse(Files.readString(file), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> out = new LinkedHashMap<>(sections.getOrDefault(DEFAULT_PROFILE, Map.of()));
    Map<String, String> own = sections.get(name);
    if (own == null && required && !name.equals(DEFAULT_PROFILE)) {
      throw new IllegalArgumentException(
          "profile '" + name + "' not found in " + file + "; it has " + sections.keySet());
    }
    if (own != null) {
      out.putAll(own);
    }
    return out;
  }

  /**
   * Parses INI text: {@code [section]} headers, {@code key = value} lines, {@code #}/{@code ;}
   * comments.
   */
  static Map<String, Map<String, String>> parse(String text, Path file) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            sections.computeIfAbsent(
                line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0 || current == null) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": expected [profile] or key = value");
      }
      current.put(
          line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
    }
    return sections;
  }

  private static Optional<String> first(Optional<String>... values) {
    for (Optional<String> v : values) {
      if (v.isPresent() && !v.get().isBlank()) {
        return Optional.of(v.get().strip());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "ClientConfig[url=" + url + ", token=" + (token.isEmpty() ? "none" : "***") + "]";
  }
}
