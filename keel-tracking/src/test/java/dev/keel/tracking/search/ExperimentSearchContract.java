package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.store.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How compiled experiment searches behave on a real database; run on SQLite and PostgreSQL.
 *
 * <p>Active: 1 alpha (created 100), 2 Beta (200), 3 gamma (300), 5 epsilon (300); deleted: 4
 * delta-old (150). The migration's Default experiment is removed so times are predictable.
 */
abstract class ExperimentSearchContract {
  @TempDir Path dir;
  Database db;
  Fixture f;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    db.write(h -> h.execute("DELETE FROM experiments WHERE experiment_id = 0"));
    f = new Fixture(db);
    f.experiment(1, "alpha", "active", 100, 500)
        .experiment(2, "Beta", "active", 200, 400)
        .experiment(3, "gamma", "active", 300, 300)
        .experiment(4, "delta-old", "deleted", 150, 150)
        .experiment(5, "epsilon", "active", 300, 350);
    f.experimentTag(1, "team", "Vision")
        .experimentTag(2, "team", "vision")
        .experimentTag(2, "prio", "high")
        .experimentTag(4, "team", "vision");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  List<Long> search(String filter, String... orderBy) {
    return search(ViewType.ACTIVE_ONLY, filter, List.of(orderBy), 100, 0);
  }

  List<Long> search(ViewType view, String filter, List<String> orderBy, int limit, long offset) {
    return f.longs(ExperimentSearch.compile(db.dialect(), view, filter, orderBy, limit, offset));
  }

  @Test
  void default_order_is_creation_time_desc_then_experiment_id_asc() {
    assertThat(search("")).containsExactly(3L, 5L, 2L, 1L);
  }

  @Test
  void an_explicit_order_breaks_ties_by_experiment_id_desc() {
    assertThat(search("", "creation_time DESC")).containsExactly(5L, 3L, 2L, 1L);
    assertThat(search("", "creation_time")).containsExactly(1L, 2L, 5L, 3L);
    assertThat(search("", "creation_time DESC", "experiment_id ASC"))
        .containsExactly(3L, 5L, 2L, 1L);
  }

  @Test
  void order_by_name_compares_by_code_point() {
    assertThat(search("", "name")).containsExactly(2L, 1L, 5L, 3L);
    assertThat(search("", "attribute.name DESC")).containsExactly(3L, 5L, 1L, 2L);
  }

  @Test
  void order_by_experiment_id_and_last_update_time() {
    assertThat(search("", "experiment_id")).containsExactly(1L, 2L, 3L, 5L);
    assertThat(search("", "experiment_id DESC")).containsExactly(5L, 3L, 2L, 1L);
    assertThat(search("", "last_update_time")).containsExactly(3L, 5L, 2L, 1L);
  }

  @Test
  void like_on_name_is_case_sensitive_and_ilike_is_not() {
    assertThat(search("name LIKE 'b%'")).isEmpty();
    assertThat(search("name ILIKE 'b%'")).containsExactly(2L);
    assertThat(search("attribute.name = 'alpha'")).containsExactly(1L);
    assertThat(search("name != 'alpha'")).containsExactly(3L, 5L, 2L);
    assertThat(search("name LIKE '%a'")).containsExactly(3L, 2L, 1L);
  }

  @Test
  void tag_filters_never_match_experiments_without_the_tag() {
    assertThat(search("tags.team = 'vision'")).containsExactly(2L);
    assertThat(search("tags.team ILIKE 'VISION'")).containsExactly(2L, 1L);
    assertThat(search("tags.team != 'x'")).containsExactly(2L, 1L);
    assertThat(search("tag.prio = 'high' and tags.team LIKE 'v%'")).containsExactly(2L);
    assertThat(search("tags.`prio` LIKE '%'")).containsExactly(2L);
  }

  @Test
  void time_attributes_compare_numbers() {
    assertThat(search("creation_time >= 200")).containsExactly(3L, 5L, 2L);
    assertThat(search("attribute.last_update_time < 400")).containsExactly(3L, 5L);
    assertThat(search("creation_time = 300 and last_update_time > 300")).containsExactly(5L);
    assertThat(search("creation_time != 300")).containsExactly(2L, 1L);
  }

  @Test
  void view_type_selects_lifecycle_stages() {
    assertThat(search(ViewType.DELETED_ONLY, "", List.of(), 10, 0)).containsExactly(4L);
    assertThat(search(ViewType.ALL, "", List.of(), 10, 0)).containsExactly(3L, 5L, 2L, 4L, 1L);
    assertThat(search(ViewType.ALL, "tags.team = 'vision'", List.of(), 10, 0))
        .containsExactly(2L, 4L);
  }

  @Test
  void limit_and_offset_page_through_the_ordered_result() {
    assertThat(search(ViewType.ACTIVE_ONLY, "", List.of(), 3, 0)).containsExactly(3L, 5L, 2L);
    assertThat(search(ViewType.ACTIVE_ONLY, "", List.of(), 3, 3)).containsExactly(1L);
    assertThat(search(ViewType.ACTIVE_ONLY, "", List.of(), 3, 6)).isEmpty();
  }
}
