package dev.keel.features.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedOnlineStoreTest extends OnlineStoreContract {
  @TempDir Path dataDir;

  @Override
  OnlineStore open() {
    return EmbeddedOnlineStore.open(dataDir, clock);
  }

  @Test
  void the_store_is_a_sqlite_file_in_the_data_dir_that_survives_a_restart() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0.plusSeconds(1), 0.6, 11L, "b")));
    store.close();
    assertThat(dataDir.resolve("online/online.db")).exists();

    store = open();
    assertThat(only(readStats(1L, "city")).values()).containsExactly("b");
    assertThat(store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.1, 1L, "old"))))
        .isEqualTo(new WriteResult(0, 1));
    assertThat(store.stats().tables().get(0).featureColumns()).isEqualTo(STATS);
  }

  @Test
  void every_acknowledged_write_survives_kill_9_of_the_writing_process() throws Exception {
    store.close();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                KillNineWriter.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    long acked = 0;
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
      String line;
      while (acked < 30_000 && (line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          acked = Long.parseLong(line.substring(6));
        }
      }
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      p.waitFor();
    }
    assertThat(acked).as("the child wrote and acknowledged rows").isGreaterThanOrEqualTo(30_000);

    store = open();
    assertThat(store.stats().tables().get(0).entities()).isGreaterThanOrEqualTo(acked);
    OnlineFeatures r =
        store.read(
            List.of(FeatureRef.of("t", "v")),
            new EntityRows(List.of("id"), List.of(List.of(0L), List.of(acked - 1))));
    assertThat(r.results().get(0).values()).containsExactly(0L, (acked - 1) * 2);
  }

  @Test
  void keys_and_vectors_are_stored_in_the_documented_byte_format() throws Exception {
    store.write(
        "fmt",
        List.of("b", "a"),
        List.of("flag", "missing", "n", "s"),
        List.of(
            new OnlineRow(
                List.of("x", 1L),
                java.time.Instant.ofEpochSecond(1),
                java.util.Arrays.asList(true, null, 7, "hé"))));
    store.close();
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dataDir.resolve("online/online.db"));
        var rs =
            c.createStatement()
                .executeQuery("SELECT hex(entity_key), hex(features) FROM online_rows")) {
      assertThat(rs.next()).isTrue();
      // 2 key columns sorted by name: a (long 1), b (string "x")
      assertThat(rs.getString(1))
          .isEqualTo(
              "00000002"
                  + "00000001"
                  + "61"
                  + "01"
                  + "00000008"
                  + "0000000000000001"
                  + "00000001"
                  + "62"
                  + "03"
                  + "00000001"
                  + "78");
      // event time 1,000,000 us with the sign bit flipped, then 4 values: true, null, int 7, "hé"
      assertThat(rs.getString(2))
          .isEqualTo("80000000000F4240" + "04" + "02" + "00" + "0300000007" + "070368C3A9");
    }
    store = open();
  }

  @Test
  void the_factory_opens_embedded_by_default_and_rejects_unknown_specs() throws Exception {
    store.close();
    try (OnlineStore s = OnlineStores.open("embedded", dataDir)) {
      assertThat(s.stats().backend()).isEqualTo("embedded");
    }
    try (OnlineStore s = OnlineStores.open("", dataDir)) {
      assertThat(s).isInstanceOf(EmbeddedOnlineStore.class);
    }
    for (String bad :
        List.of(
            "memcached://x:1",
            "redis://",
            "redis://host",
            "redis://h:1/x",
            "redis://h:1/0?prefix=a")) {
      assertThatThrownBy(() -> OnlineStores.open(bad, dataDir))
          .isInstanceOfSatisfying(
              KeelException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).startsWith("online-store: ");
              });
    }
    assertThat(Files.exists(dataDir.resolve("online/online.db"))).isTrue();
    store = open();
  }
}
