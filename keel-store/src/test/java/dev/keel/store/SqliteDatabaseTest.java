package dev.keel.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SqliteDatabaseTest extends DatabaseContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }

  @Test
  void data_dir_holds_a_single_file_database() {
    assertThat(Files.exists(dir.resolve("keel.db"))).isTrue();
    assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
  }

  @Test
  void concurrent_writers_never_see_database_is_locked() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  int n = i;
                  db.write(
                      h ->
                          h.execute(
                              "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, ?, 'v')",
                              "t" + thread + "-" + n));
                  db.read(
                      h ->
                          h.createQuery("SELECT COUNT(*) FROM experiment_tags")
                              .mapTo(Integer.class)
                              .one());
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    int n =
        db.read(
            h -> h.createQuery("SELECT COUNT(*) FROM experiment_tags").mapTo(Integer.class).one());
    assertThat(n).isEqualTo(800);
  }

  @Test
  void reopening_finds_committed_rows() {
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'k', 'v')"));
    db.close();
    db = open(dir);
    int n =
        db.read(
            h -> h.createQuery("SELECT COUNT(*) FROM experiment_tags").mapTo(Integer.class).one());
    assertThat(n).isEqualTo(1);
  }
}
