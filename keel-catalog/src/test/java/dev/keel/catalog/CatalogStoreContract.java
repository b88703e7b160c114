package dev.keel.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog store's behaviour (through the service), run on every database Keel supports. */
abstract class CatalogStoreContract {
  @TempDir Path dir;
  Database db;
  CatalogService svc;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    svc =
        new CatalogService(
            new JdbcCatalogStore(db),
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return ((KeelException) t).code();
  }

  static Changes changes(String newName, String comment, Map<String, String> props) {
    return new Changes(Optional.ofNullable(newName), Optional.ofNullable(comment), props);
  }

  @Test
  void a_fresh_store_has_main_catalog_with_default_schema() {
    Catalog main = svc.getCatalog("main");
    assertThat(main.owner()).isEqualTo("keel");
    assertThat(main.createdAt()).isPositive();
    Schema def = svc.getSchema("main.default");
    assertThat(def.catalogName()).isEqualTo("main");
    assertThat(def.fullName()).isEqualTo("main.default");
  }

  @Test
  void create_then_get_returns_every_field() {
    Catalog c = svc.createCatalog("Sales", Optional.of("team data"), Map.of("k", "v", "a", "b"));
    Catalog got = svc.getCatalog("SALES");
    assertThat(got).isEqualTo(c);
    assertThat(got.name()).isEqualTo("sales");
    assertThat(got.comment()).contains("team data");
    assertThat(got.properties()).containsExactly(Map.entry("a", "b"), Map.entry("k", "v"));
    assertThat(got.createdAt()).isEqualTo(1_700_000_000_000L);
    assertThat(got.createdBy()).isEqualTo("keel");
    assertThat(got.id()).hasSize(36);
  }

  @Test
  void names_are_case_insensitive_so_a_duplicate_in_other_case_is_already_exists() {
    svc.createCatalog("dup", Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.createCatalog("DUP", Optional.empty(), Map.of()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    svc.createSchema("dup", "s1", Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.createSchema("Dup", "S1", Optional.empty(), Map.of()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }

  @Test
  void concurrent_creates_of_one_name_give_one_winner_and_already_exists() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> svc.createCatalog("race", Optional.empty(), Map.of())));
      }
      int ok = 0;
      for (Future<?> f : fs) {
        try {
          f.get();
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(code(e.getCause())).isEqualTo(ErrorCode.ALREADY_EXISTS);
        }
      }
      assertThat(ok).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknown_catalog_and_schema_are_not_found() {
    assertThatThrownBy(() -> svc.getCatalog("nope"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.getSchema("main.nope"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.createSchema("nope", "s", Optional.empty(), Map.of()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.listSchemas("nope", OptionalLong.empty(), Optional.empty()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.deleteCatalog("nope", true))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.updateSchema("main.nope", changes(null, "x", Map.of())))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void catalogs_page_by_name_with_the_last_name_as_token() {
    for (int i = 0; i < 7; i++) {
      svc.createCatalog("p" + i, Optional.empty(), Map.of());
    }
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      Page<Catalog> p = svc.listCatalogs(OptionalLong.of(3), token);
      assertThat(p.items()).hasSizeLessThanOrEqualTo(3);
      p.items().forEach(c -> seen.add(c.name()));
      token = p.nextPageToken();
      pages++;
    } while (token.isPresent());
    assertThat(seen).containsExactly("main", "p0", "p1", "p2", "p3", "p4", "p5", "p6");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void max_results_is_capped_at_100_and_negative_is_invalid() {
    for (int i = 0; i < 105; i++) {
      svc.createSchema("main", String.format("s%03d", i), Optional.empty(), Map.of());
    }
    Page<Schema> p = svc.listSchemas("main", OptionalLong.of(1000), Optional.empty());
    assertThat(p.items()).hasSize(100);
    assertThat(p.nextPageToken()).isPresent();
    Page<Schema> rest = svc.listSchemas("main", OptionalLong.empty(), p.nextPageToken());
    assertThat(rest.items()).hasSize(6); // 105 + default
    assertThat(rest.nextPageToken()).isEmpty();
    assertThatThrownBy(() -> svc.listSchemas("main", OptionalLong.of(-1), Optional.empty()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void list_returns_properties_of_each_item() {
    svc.createSchema("main", "withprops", Optional.of("c"), Map.of("x", "1"));
    Page<Schema> p = svc.listSchemas("main", OptionalLong.empty(), Optional.empty());
    assertThat(p.items())
        .filteredOn(s -> s.name().equals("withprops"))
        .singleElement()
        .satisfies(s -> assertThat(s.properties()).containsEntry("x", "1"));
  }

  @Test
  void update_renames_sets_comment_and_replaces_properties_but_empty_properties_change_nothing() {
    svc.createCatalog("old", Optional.of("c1"), Map.of("a", "1"));
    svc.createSchema("old", "s", Optional.empty(), Map.of());
    Catalog renamed = svc.updateCatalog("old", changes("New", "c2", Map.of()));
    assertThat(renamed.name()).isEqualTo("new");
    assertThat(renamed.comment()).contains("c2");
    assertThat(renamed.properties()).containsExactly(Map.entry("a", "1"));
    assertThat(svc.getSchema("new.s").catalogName()).isEqualTo("new");
    assertThatThrownBy(() -> svc.getCatalog("old"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    Catalog props = svc.updateCatalog("new", changes(null, null, Map.of("b", "2")));
    assertThat(props.properties()).containsExactly(Map.entry("b", "2"));
    Catalog cleared = svc.updateCatalog("new", changes(null, "", Map.of()));
    assertThat(cleared.comment()).isEmpty();

    Schema s = svc.updateSchema("new.s", changes("t", "sc", Map.of("p", "q")));
    assertThat(s.fullName()).isEqualTo("new.t");
    assertThat(s.comment()).contains("sc");
    assertThat(s.properties()).containsExactly(Map.entry("p", "q"));
  }

  @Test
  void rename_onto_a_taken_name_is_already_exists_and_changes_nothing() {
    svc.createCatalog("x1", Optional.empty(), Map.of());
    svc.createCatalog("x2", Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.updateCatalog("x1", changes("X2", "changed", Map.of())))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(svc.getCatalog("x1").comment()).isEmpty();
    svc.createSchema("x1", "a", Optional.empty(), Map.of());
    svc.createSchema("x1", "b", Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.updateSchema("x1.a", changes("b", null, Map.of())))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }

  @Test
  void deleting_a_catalog_with_schemas_needs_force() {
    svc.createCatalog("full", Optional.empty(), Map.of("k", "v"));
    svc.createSchema("full", "s", Optional.empty(), Map.of("k", "v"));
    assertThatThrownBy(() -> svc.deleteCatalog("full", false))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessageContaining("Cannot delete catalog with schemas");
    assertThat(svc.getSchema("full.s")).isNotNull();
    svc.deleteCatalog("FULL", true);
    assertThatThrownBy(() -> svc.getCatalog("full"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    // the name is free again, with nothing left over
    svc.createCatalog("full", Optional.empty(), Map.of());
    assertThat(svc.getCatalog("full").properties()).isEmpty();
    assertThat(svc.listSchemas("full", OptionalLong.empty(), Optional.empty()).items()).isEmpty();
  }

  @Test
  void an_empty_catalog_and_a_schema_delete_without_force() {
    svc.createCatalog("empty", Optional.empty(), Map.of());
    svc.createSchema("empty", "s", Optional.empty(), Map.of("a", "b"));
    svc.deleteSchema("empty.s", false);
    assertThatThrownBy(() -> svc.getSchema("empty.s"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    svc.deleteCatalog("empty", false);
    assertThatThrownBy(() -> svc.getCatalog("empty"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
