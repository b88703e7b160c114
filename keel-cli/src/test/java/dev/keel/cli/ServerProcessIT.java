package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.client.KeelClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel server} as a real process: it prints its URL, serves requests, and on SIGTERM or
 * SIGINT drains, closes and exits 0.
 */
@DisabledOnOs(OS.WINDOWS)
class ServerProcessIT {
  private static final Pattern URL =
      Pattern.compile("is running at (http://\\S+) \\(data: (.+)\\)");

  @TempDir Path dataDir;

  private Process startServer() throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                cp,
                "dev.keel.cli.Main",
                "server",
                "--port",
                "0",
                "--data-dir",
                dataDir.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static String awaitUrl(BufferedReader out, Process p) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = URL.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("server exited (" + exitOf(p) + ") without printing its URL");
  }

  private static String exitOf(Process p) {
    try {
      return p.waitFor(10, TimeUnit.SECONDS) ? "exit " + p.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Test
  void server_serves_until_sigterm_then_exits_0() throws Exception {
    Process p = startServer();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String url = awaitUrl(out, p);
      try (KeelClient client = new KeelClient(url)) {
        String id = client.tracking().createExperiment("from-a-process");
        assertThat(client.tracking().getExperiment(id).name()).isEqualTo("from-a-process");
      }
      assertThat(p.toHandle().destroy()).isTrue(); // SIGTERM, keeping our end of stdout open
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(out.lines().toList()).contains("Keel stopped.");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void server_stops_on_sigint_with_exit_0_and_keeps_its_data() throws Exception {
    Process p = startServer();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String url = awaitUrl(out, p);
      try (KeelClient client = new KeelClient(url)) {
        client.tracking().createExperiment("kept");
      }
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }

    Process again = startServer();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8))) {
      try (KeelClient client = new KeelClient(awaitUrl(out, again))) {
        assertThat(client.tracking().getExperimentByName("kept")).isPresent();
      }
      again.destroy();
      assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      again.destroyForcibly();
    }
  }
}
