package dev.keel.features.online;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link EmbeddedOnlineStoreTest}: writes batches of 1,000 rows (keys 0, 1, ...)
 * forever and prints {@code acked N} after each write returned, until it is killed.
 */
public final class KillNineWriter {
  private KillNineWriter() {}

  public static void main(String[] args) {
    OnlineStore store = EmbeddedOnlineStore.open(Path.of(args[0]));
    long next = 0;
    while (true) {
      List<OnlineRow> rows = new ArrayList<>();
      for (int i = 0; i < 1000; i++, next++) {
        rows.add(new OnlineRow(List.of(next), Instant.ofEpochSecond(next), List.of(next * 2)));
      }
      store.write("t", List.of("id"), List.of("v"), rows);
      System.out.println("acked " + next);
      System.out.flush();
    }
  }
}
