package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed after using DuckDB leaves no copy of DuckDB's native library behind. */
class NativeLibraryTest {
  @TempDir Path tmp;
  @TempDir Path data;

  /** The child process: opens DuckDB, says so, and waits to be killed. */
  public static void main(String[] args) throws Exception {
    try (Connection c = new DuckDb(Path.of(args[0])).open();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 42")) {
      r.next();
      System.out.println("opened " + r.getInt(1));
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  @Test
  void a_process_killed_after_opening_duckdb_leaves_no_library_in_the_temp_folder()
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                NativeLibraryTest.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.equals("opened 42")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the child opened DuckDB; it printed:\n" + seen).isEqualTo("opened 42");
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no delete-on-exit
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    try (var files = Files.list(tmp)) {
      List<String> left =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.startsWith("libduckdb_java"))
              .toList();
      assertThat(left).isEmpty();
    }
  }
}
