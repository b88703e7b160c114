package dev.keel.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Server configuration. Each setting is taken from the first source that has it: command-line flags
 * ({@code --port}, or {@code --conf key=value} for any module's setting), then {@code KEEL_*}
 * environment variables, then a JSON config file ({@code --config}, {@code KEEL_CONFIG}, or {@code
 * keel.json} in the data directory), then the default.
 *
 * <p>The four basics every module needs are fields: {@code host} ({@code KEEL_HOST}, 127.0.0.1),
 * {@code port} ({@code KEEL_PORT}, 8080), {@code data-dir} ({@code KEEL_DATA_DIR}, ./keel-data) and
 * {@code db-url} ({@code KEEL_DB_URL}, empty: SQLite in the data dir). Every other setting is a
 * {@link Setting} its module declares in a {@link ConfigSection}; {@link #resolve} checks every
 * declared setting once (a bad value fails the start, naming the key and where it came from),
 * refuses keys no module declares, and {@link #get} reads them.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param dataDir data directory (metadata DB when embedded, artifacts, tables)
 * @param dbUrl JDBC URL of the metadata database; empty for the embedded SQLite file
 * @param settings the text of each module setting that a source set, by key
 */
public record KeelConfig(
    String host, int port, Path dataDir, String dbUrl, Map<String, String> settings) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "keel-data";

  /** The keys of the basics (and of the config file's own location). */
  private static final Set<String> BASICS = Set.of("host", "port", "data-dir", "db-url", "config");

  public KeelConfig {
    if (host == null || host.isBlank()) {
      throw KeelException.invalid("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw KeelException.invalid("port must be between 0 and 65535, got " + port);
    }
    dataDir = dataDir.toAbsolutePath().normalize();
    dbUrl = dbUrl == null ? "" : dbUrl.trim();
    settings = Map.copyOf(settings);
    if (!dbUrl.isEmpty() && !dbUrl.startsWith("jdbc:")) {
      throw KeelException.invalid(
          "db-url must be a JDBC URL (jdbc:postgresql://... or jdbc:sqlite:...)");
    }
  }

  /** A configuration with every module setting at its default. */
  public KeelConfig(String host, int port, Path dataDir, String dbUrl) {
    this(host, port, dataDir, dbUrl, Map.of());
  }

  /** This configuration with {@code setting} set to {@code value} (checked). */
  public <T> KeelConfig with(Setting<T> setting, String value) {
    setting.parse(value, "code");
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put(setting.key(), value);
    return new KeelConfig(host, port, dataDir, dbUrl, s);
  }

  /** The metadata database URL, if one was configured; empty means embedded SQLite. */
  public Optional<String> databaseUrl() {
    return dbUrl.isEmpty() ? Optional.empty() : Optional.of(dbUrl);
  }

  /** The value of a module setting: the configured one, else its default. */
  public <T> T get(Setting<T> setting) {
    String text = settings.get(setting.key());
    return text == null ? setting.defaultValue() : setting.parse(text, "configuration");
  }

  /**
   * Resolves the configuration.
   *
   * @param flags values given on the command line: the basics ({@code host}, {@code port}, {@code
   *     data-dir}, {@code db-url}, {@code config}) and any declared setting by its key
   * @param env the process environment
   * @param sections every module's settings
   * @throws KeelException INVALID_ARGUMENT for a bad value or a key no module declares
   */
  public static KeelConfig resolve(
      Map<String, String> flags, Map<String, String> env, List<ConfigSection> sections) {
    Map<String, Setting<?>> declared = new LinkedHashMap<>();
    for (ConfigSection section : sections) {
      for (Setting<?> s : section.settings()) {
        if (declared.put(s.key(), s) != null || BASICS.contains(s.key())) {
          throw new IllegalStateException("setting " + s.key() + " is declared twice");
        }
      }
    }
    for (String key : flags.keySet()) {
      if (!BASICS.contains(key) && !declared.containsKey(key)) {
        throw unknown(key, "the command line", declared.keySet());
      }
    }
    Optional<String> configPath = first(flags.get("config"), env.get("KEEL_CONFIG"));
    String dataDir = first(flags.get("data-dir"), env.get("KEEL_DATA_DIR")).orElse(null);
    JsonNode file = readFile(configPath, dataDir);
    for (Iterator<String> it = file.fieldNames(); it.hasNext(); ) {
      String key = it.next().replace('_', '-');
      if (!BASICS.contains(key) && !declared.containsKey(key)) {
        throw unknown(key, "the config file", declared.keySet());
      }
    }
    if (dataDir == null) {
      dataDir = text(file, "data-dir").orElse(DEFAULT_DATA_DIR);
    }
    String host =
        first(flags.get("host"), env.get("KEEL_HOST"))
            .or(() -> text(file, "host"))
            .orElse(DEFAULT_HOST);
    String port =
        first(flags.get("port"), env.get("KEEL_PORT"))
            .or(() -> text(file, "port"))
            .orElse(String.valueOf(DEFAULT_PORT));
    String dbUrl =
        first(flags.get("db-url"), env.get("KEEL_DB_URL"))
            .or(() -> text(file, "db-url"))
            .orElse("");
    int portNumber;
    try {
      portNumber = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw KeelException.invalid("port must be a number, got '" + port + "'");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting<?> s : declared.values()) {
      String source;
      String text;
      if (present(flags.get(s.key()))) {
        source = "the command line";
        text = flags.get(s.key());
      } else if (present(env.get(s.env()))) {
        source = s.env();
        text = env.get(s.env());
      } else if (text(file, s.key()).isPresent()) {
        source = "the config file";
        text = text(file, s.key()).get();
      } else {
        continue;
      }
      s.parse(text, source); // fail at start, naming the key and where the value came from
      values.put(s.key(), text);
    }
    return new KeelConfig(host, portNumber, Path.of(dataDir), dbUrl, values);
  }

  private static KeelException unknown(String key, String where, Set<String> declared) {
    Set<String> known = new TreeSet<>(BASICS);
    known.addAll(declared);
    return KeelException.invalid(
        "unknown setting '"
            + key
            + "' in "
            + where
            + "; known settings: "
            + String.join(", ", known));
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }

  private static Optional<String> first(String a, String b) {
    if (present(a)) {
      return Optional.of(a);
    }
    if (present(b)) {
      return Optional.of(b);
    }
    return Optional.empty();
  }

  private static Optional<String> text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      v = node.get(key.replace('-', '_'));
    }
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static JsonNode readFile(Optional<String> configPath, String dataDir) {
    Path path;
    if (configPath.isPresent()) {
      path = Path.of(configPath.get());
      if (!Files.isRegularFile(path)) {
        throw KeelException.invalid("config file " + path + " does not exist");
      }
    } else {
      path = Path.of(dataDir == null ? DEFAULT_DATA_DIR : dataDir, "keel.json");
      if (!Files.isRegularFile(path)) {
        return new ObjectMapper().createObjectNode();
      }
    }
    try {
      JsonNode node = new ObjectMapper().readTree(path.toFile());
      if (node == null || !node.isObject()) {
        throw KeelException.invalid("config file " + path + " must hold a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw KeelException.invalid("config file " + path + " is not valid JSON: " + e.getMessage());
    }
  }
}
