package dev.keel.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Server configuration. Each setting is taken from the first source that has it: command-line
 * flags, then {@code KEEL_*} environment variables, then a JSON config file ({@code --config},
 * {@code KEEL_CONFIG}, or {@code keel.json} in the data directory), then the default.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key (flag / file)</th><th>environment</th><th>default</th></tr>
 *   <tr><td>host</td><td>KEEL_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>port</td><td>KEEL_PORT</td><td>8080</td></tr>
 *   <tr><td>data-dir</td><td>KEEL_DATA_DIR</td><td>./keel-data</td></tr>
 *   <tr><td>db-url</td><td>KEEL_DB_URL</td><td>(SQLite in the data dir)</td></tr>
 *   <tr><td>online-store</td><td>KEEL_ONLINE_STORE</td><td>embedded</td></tr>
 * </table>
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param dataDir data directory (metadata DB when embedded, artifacts)
 * @param dbUrl JDBC URL of the metadata database; empty for the embedded SQLite file
 * @param onlineStore the online feature store: {@code embedded} (in the data dir) or {@code
 *     redis://host:port[/db]}
 */
public record KeelConfig(String host, int port, Path dataDir, String dbUrl, String onlineStore) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "keel-data";
  public static final String DEFAULT_ONLINE_STORE = "embedded";

  public KeelConfig {
    if (host == null || host.isBlank()) {
      throw KeelException.invalid("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw KeelException.invalid("port must be between 0 and 65535, got " + port);
    }
    dataDir = dataDir.toAbsolutePath().normalize();
    dbUrl = dbUrl == null ? "" : dbUrl.trim();
    onlineStore =
        onlineStore == null || onlineStore.isBlank() ? DEFAULT_ONLINE_STORE : onlineStore.trim();
    if (!dbUrl.isEmpty() && !dbUrl.startsWith("jdbc:")) {
      throw KeelException.invalid(
          "db-url must be a JDBC URL (jdbc:postgresql://... or jdbc:sqlite:...)");
    }
  }

  /** A configuration with the embedded online store. */
  public KeelConfig(String host, int port, Path dataDir, String dbUrl) {
    this(host, port, dataDir, dbUrl, DEFAULT_ONLINE_STORE);
  }

  /** The metadata database URL, if one was configured; empty means embedded SQLite. */
  public Optional<String> databaseUrl() {
    return dbUrl.isEmpty() ? Optional.empty() : Optional.of(dbUrl);
  }

  /**
   * Resolves the configuration.
   *
   * @param flags values given on the command line, keyed {@code host}, {@code port}, {@code
   *     data-dir}, {@code db-url}, {@code online-store}, {@code config}
   * @param env the process environment
   */
  public static KeelConfig resolve(Map<String, String> flags, Map<String, String> env) {
    Optional<String> configPath = first(flags.get("config"), env.get("KEEL_CONFIG"));
    String dataDir = first(flags.get("data-dir"), env.get("KEEL_DATA_DIR")).orElse(null);
    JsonNode file = readFile(configPath, dataDir);
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
    String onlineStore =
        first(flags.get("online-store"), env.get("KEEL_ONLINE_STORE"))
            .or(() -> text(file, "online-store"))
            .orElse(DEFAULT_ONLINE_STORE);
    int portNumber;
    try {
      portNumber = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw KeelException.invalid("port must be a number, got '" + port + "'");
    }
    return new KeelConfig(host, portNumber, Path.of(dataDir), dbUrl, onlineStore);
  }

  private static Optional<String> first(String a, String b) {
    if (a != null && !a.isBlank()) {
      return Optional.of(a);
    }
    if (b != null && !b.isBlank()) {
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
