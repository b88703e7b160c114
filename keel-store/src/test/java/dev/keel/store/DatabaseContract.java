package dev.keel.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour every metadata database must show; run on SQLite and PostgreSQL. */
abstract class DatabaseContract {
  @TempDir Path dir;
  Database db;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private int tags() {
    return db.read(
        h -> h.createQuery("SELECT count(*) FROM experiment_tags").mapTo(Integer.class).one());
  }

  @Test
  void a_write_inside_a_write_joins_it_and_commits_or_rolls_back_with_it() {
    db.write(
        h -> {
          h.execute("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'a', '1')");
          return db.write(
              inner ->
                  inner.execute(
                      "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'b', '2')"));
        });
    assertThat(tags()).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                db.write(
                    h -> {
                      db.write(
                          inner ->
                              inner.execute(
                                  "INSERT INTO experiment_tags (experiment_id, key, value)"
                                      + " VALUES (0, 'c', '3')"));
                      throw new IllegalStateException("the outer write fails after the inner");
                    }))
        .hasMessageContaining("outer write fails");
    assertThat(tags()).as("the inner write was rolled back with the outer").isEqualTo(2);
  }

  @Test
  void fresh_database_has_the_default_experiment() {
    String name =
        db.read(
            h ->
                h.createQuery("SELECT name FROM experiments WHERE experiment_id = 0")
                    .mapTo(String.class)
                    .one());
    assertThat(name).isEqualTo("Default");
  }

  @Test
  void a_nul_character_in_a_bound_string_is_a_400_on_every_database() {
    // PostgreSQL answered "invalid byte sequence" (a 500); SQLite stored it.
    for (String value : java.util.List.of("a\u0000b", "\u0000")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  db.write(
                      h ->
                          h.execute(
                              "INSERT INTO experiment_tags (experiment_id, key, value)"
                                  + " VALUES (0, 'k', ?)",
                              value)))
          .isInstanceOfSatisfying(
              dev.keel.core.KeelException.class,
              e -> assertThat(e.code()).isEqualTo(dev.keel.core.ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("NUL");
    }
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'k', ?)",
                "plain"));
    int n =
        db.read(
            h -> h.createQuery("SELECT COUNT(*) FROM experiment_tags").mapTo(Integer.class).one());
    assertThat(n).isEqualTo(1);
  }

  @Test
  void a_failed_write_transaction_changes_nothing() {
    try {
      db.write(
          h -> {
            h.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'a', 'b')");
            throw new IllegalStateException("boom");
          });
    } catch (IllegalStateException expected) {
      // rolled back
    }
    int n =
        db.read(
            h -> h.createQuery("SELECT COUNT(*) FROM experiment_tags").mapTo(Integer.class).one());
    assertThat(n).isZero();
  }

  @Test
  void like_is_case_sensitive() {
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, 'k', 'Abc')"));
    int n =
        db.read(
            h ->
                h.createQuery("SELECT COUNT(*) FROM experiment_tags WHERE value LIKE 'abc'")
                    .mapTo(Integer.class)
                    .one());
    assertThat(n).isZero();
  }

  @Test
  void ping_answers() {
    assertThat(db.ping()).isTrue();
  }
}
