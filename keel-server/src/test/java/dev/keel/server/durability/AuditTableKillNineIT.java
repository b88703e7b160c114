package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code system.access.audit} across {@code kill -9}: a server with authentication is killed while
 * requests are audited and exported every 100 ms, started again on the same data, and then the
 * table holds every audit entry numbered up to its last one exactly once: the gap between the
 * database commit and the table's commit was exported, nothing twice.
 */
class AuditTableKillNineIT {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Map<String, String> SETTINGS =
      Map.of("KEEL_AUTH", "true", "KEEL_AUDIT_TABLE_INTERVAL_MS", "100");

  @TempDir Path dataDir;
  @TempDir Path logDir;
  private ServerProcess server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.process().destroy();
      if (!server.process().waitFor(20, TimeUnit.SECONDS)) {
        server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void the_table_has_every_entry_once_after_kill_9(String db) throws Exception {
    Optional<String> dbUrl = Optional.empty();
    if (db.equals("postgresql")) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      dbUrl = Optional.of(TestDatabases.freshPostgresSchemaUrl());
    }
    server = ServerProcess.start(dataDir, dbUrl, logDir.resolve("server-1.log"), SETTINGS);
    String token = "Bearer " + Files.readString(dataDir.resolve("admin-token")).strip();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    ExecutorService load = Executors.newFixedThreadPool(4);
    String url = server.url();
    for (int i = 0; i < 4; i++) {
      load.submit(
          () -> {
            while (!stop.get()) {
              try {
                get(url, "/api/2.1/unity-catalog/catalogs", token);
                answered.incrementAndGet();
              } catch (Exception e) {
                return; // killed
              }
            }
          });
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (answered.get() < 300 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    server.process().destroyForcibly(); // SIGKILL, mid-load and mid-export
    assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    load.shutdown();
    load.awaitTermination(20, TimeUnit.SECONDS);
    assertThat(answered.get()).isGreaterThanOrEqualTo(300);

    server = ServerProcess.start(dataDir, dbUrl, logDir.resolve("server-2.log"), SETTINGS);
    // The table, read at one snapshot, holds every number from 1 to its highest exactly once:
    // wait until the new server exported the killed one's gap.
    List<Long> seqs = List.of();
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      seqs = sequences(server.url(), token);
      long max = seqs.stream().mapToLong(Long::longValue).max().orElse(0);
      if (max > answered.get() / 2 && seqs.size() == max) {
        break;
      }
      Thread.sleep(200);
    }
    Set<Long> distinct = new HashSet<>(seqs);
    long max = seqs.stream().mapToLong(Long::longValue).max().orElse(0);
    assertThat(distinct).as("no entry twice").hasSameSizeAs(seqs);
    // kill -9 loses the entries not yet committed to the database (the last ~10-20 ms): most of
    // the killed server's requests are there
    assertThat(max).as("the killed server's requests").isGreaterThan(answered.get() / 2);
    assertThat((long) seqs.size()).as("every number from 1 to the highest, once").isEqualTo(max);
  }

  static List<Long> sequences(String url, String token) throws Exception {
    HttpResponse<String> r =
        get(
            url,
            "/api/2.0/keel/tables/system.access.audit/export?format=csv&columns=sequence",
            token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<Long> out = new ArrayList<>();
    String[] lines = r.body().split("\n");
    for (int i = 1; i < lines.length; i++) {
      out.add(Long.parseLong(lines[i].strip()));
    }
    return out;
  }

  static HttpResponse<String> get(String url, String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", token)
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
