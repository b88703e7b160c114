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
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
                assertThat(e.getMessage()).startsWith("online-store: ");
              });
    }
    assertThat(Files.exists(dataDir.resolve("online/online.db"))).isTrue();
    store = open();
  }
}
