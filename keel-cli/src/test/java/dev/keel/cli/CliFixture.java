package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.catalog.identity.AuthSettings;
import dev.keel.client.KeelClient;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What every CLI test against a running server shares: one real server per test class on a fresh
 * SQLite data dir, a client on it, and {@code keel} run in-process with that server's {@code
 * --url}. A test class extends it; its own {@code @BeforeAll} runs once the server has started, and
 * its own {@code @AfterAll} before the server stops.
 */
abstract class CliFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;

  /**
   * On a test class: its server authenticates requests (the admin token is in {@link #dataDir}).
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Authenticated {}

  @BeforeAll
  static void startServer(TestInfo test) {
    KeelConfig config = new KeelConfig("127.0.0.1", 0, dataDir, "");
    if (test.getTestClass().orElseThrow().isAnnotationPresent(Authenticated.class)) {
      config = config.with(AuthSettings.AUTH, "true");
    }
    server = KeelServer.start(config);
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stopServer() {
    client.close();
    server.close();
  }

  /** What a {@code keel} command did: its exit code and what it printed. */
  record Result(int exit, String out, String err) {
    /** What it printed on standard output, as JSON (for {@code -o json}). */
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  /** Runs keel with {@code --url} of the test server appended to a client command. */
  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    return keelWithEnv(Map.of(), all.toArray(String[]::new));
  }

  /** Runs keel with exactly {@code args} and {@code env} as its environment. */
  static Result keelWithEnv(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(env, args);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
