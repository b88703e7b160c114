package dev.keel.server.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What killed writes leave behind is reclaimed: scratch files at start, orphaned data files at
 * start and through {@code remove-orphans}; {@code expire-snapshots} trims history.
 */
class TableMaintenanceApiTest {
  @TempDir Path dir;

  static final String BASE = "/api/2.0/keel/tables/main.default.m";

  private static void age(Path f) throws Exception {
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
  }

  private List<Path> parquet() throws Exception {
    try (Stream<Path> s = Files.walk(dir.resolve("warehouse"))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }

  private static String rows(TestServer s) {
    return s.get(BASE + "/preview?limit=100&columns=id,label").json().path("rows").toString();
  }

  @Test
  void a_restart_removes_scratch_files_and_old_orphans_and_the_api_removes_and_expires_the_rest()
      throws Exception {
    String before;
    Path data;
    try (TestServer s = TestServer.start(dir)) {
      assertThat(TableApiTest.create(s, "m").status()).isEqualTo(200);
      assertThat(s.post(BASE + "/rows", "{\"rows\": [{\"id\": 1, \"label\": \"a\"}]}").status())
          .isEqualTo(200);
      assertThat(
              s.post(
                      BASE + "/rows",
                      "{\"mode\": \"overwrite\", \"rows\": [{\"id\": 2, \"label\": \"b\"}]}")
                  .status())
          .isEqualTo(200);
      before = rows(s);
      data = parquet().get(0).getParent();
    }
    // What kill -9 leaves: a spooled upload, a half-built training set, a whole data file never
    // committed, a torn one, and one of a write that may still be in flight (young).
    Path upload = dir.resolve("tmp/uploads/" + UUID.randomUUID() + ".upload");
    Files.createDirectories(upload.getParent());
    Files.write(upload, new byte[4096]);
    Path training = dir.resolve("tmp/training-sets/x/part.parquet");
    Files.createDirectories(training.getParent());
    Files.write(training, new byte[10]);
    List<Path> committed = parquet();
    Path whole = Files.copy(committed.get(0), data.resolve(UUID.randomUUID() + ".parquet"));
    Path torn = Files.createFile(data.resolve(UUID.randomUUID() + ".parquet"));
    Path young = Files.createFile(data.resolve(UUID.randomUUID() + ".parquet"));
    for (Path f : List.of(whole, torn)) {
      age(f);
    }
    for (Path f : committed) {
      age(f); // old but referenced (by the current or an older snapshot): they stay
    }

    try (TestServer s = TestServer.start(dir)) {
      assertThat(upload).doesNotExist();
      assertThat(training).doesNotExist();
      // the orphan sweep runs beside the started server
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while ((Files.exists(whole) || Files.exists(torn)) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(whole).doesNotExist();
      assertThat(torn).doesNotExist();
      assertThat(young).as("younger than an hour: may be about to commit").exists();
      for (Path f : committed) {
        assertThat(f).exists();
      }
      assertThat(rows(s)).isEqualTo(before);

      Response tooYoung = s.post(BASE + "/remove-orphans", "{\"older_than_seconds\": 5}");
      assertThat(tooYoung.status()).isEqualTo(400);
      assertThat(tooYoung.json().path("message").asText()).contains("older_than");
      assertThat(young).exists();
      Response none = s.post(BASE + "/remove-orphans", "{}");
      assertThat(none.status()).as(none.body()).isEqualTo(200);
      assertThat(none.json().path("removed_files")).isEmpty();
      age(young);
      JsonNode removed = s.post(BASE + "/remove-orphans", "{}").json();
      assertThat(removed.path("removed_files").get(0).asText())
          .isEqualTo("data/" + young.getFileName());
      assertThat(young).doesNotExist();
      assertThat(rows(s)).isEqualTo(before);

      Response noCutoff = s.post(BASE + "/expire-snapshots", "{\"retain_last\": 1}");
      assertThat(noCutoff.status()).isEqualTo(400);
      assertThat(noCutoff.json().path("message").asText()).contains("older_than");
      Response zero = s.post(BASE + "/expire-snapshots", "{\"older_than\": 0, \"retain_last\": 0}");
      assertThat(zero.status()).isEqualTo(400);
      assertThat(zero.json().path("message").asText()).contains("retain_last");
      assertThat(s.get(BASE + "/history").json().path("snapshots")).hasSize(3);
      Response expired =
          s.post(
              BASE + "/expire-snapshots",
              "{\"older_than\": \"" + Instant.now().plusSeconds(1) + "\", \"retain_last\": 1}");
      assertThat(expired.status()).as(expired.body()).isEqualTo(200);
      assertThat(expired.json().path("expired_snapshots").asInt()).isEqualTo(2);
      assertThat(expired.json().path("snapshots_left").asInt()).isEqualTo(1);
      // The append's file: the kept overwrite still records its removal, so Iceberg keeps it;
      // no snapshot can read it any more, so remove-orphans takes it (it is old).
      assertThat(expired.json().path("deleted_files").asLong()).isZero();
      assertThat(s.get(BASE + "/history").json().path("snapshots")).hasSize(1);
      assertThat(parquet()).hasSize(2);
      JsonNode afterExpiry = s.post(BASE + "/remove-orphans", "{}").json();
      assertThat(afterExpiry.path("removed_files")).hasSize(1);
      assertThat(parquet()).hasSize(1);
      assertThat(rows(s)).isEqualTo(before);
    }
  }
}
