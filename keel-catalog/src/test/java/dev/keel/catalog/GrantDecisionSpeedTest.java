package dev.keel.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget: authorization adds at most 50 µs at the median. A repeated decision is
 * answered from the cache, without touching the database.
 */
class GrantDecisionSpeedTest {
  @TempDir Path dir;

  @Test
  void a_repeated_decision_takes_well_under_50_microseconds_at_the_median() {
    try (Database db = TestDatabases.sqlite(dir)) {
      JdbcGrantStore grants = new JdbcGrantStore(db);
      JdbcCatalogStore store = new JdbcCatalogStore(db, List.of(grants.contents()));
      CatalogService catalogs = new CatalogService(store, Clock.systemUTC());
      catalogs.createCatalog("c", Optional.empty(), Map.of());
      catalogs.createSchema("c", "s", Optional.empty(), Map.of());
      GrantService service =
          new GrantService(grants, store, GrantStoreContract.KNOWN, Clock.systemUTC())
              .owners(
                  SecurableType.TABLE,
                  name -> grants.tableOwner(name).or(() -> Optional.of("keel")));
      Principal admin = new Principal("r", "root", Principal.Kind.USER, true, Set.of());
      service.update(
          admin,
          SecurableType.CATALOG,
          "c",
          List.of(
              new GrantChange(
                  "analysts",
                  Set.of(UcPrivilege.USE_CATALOG, UcPrivilege.USE_SCHEMA, UcPrivilege.SELECT),
                  Set.of())));
      Principal ann =
          new Principal("a", "ann", Principal.Kind.USER, false, Set.of("analysts", "everyone"));
      long[] nanos = new long[20_000];
      for (int i = 0; i < nanos.length; i++) {
        long t0 = System.nanoTime();
        boolean allowed =
            service.decide(ann, SecurableType.TABLE, "c.s.t", Privilege.READ).allowed();
        nanos[i] = System.nanoTime() - t0;
        assertThat(allowed).isTrue();
      }
      long[] warm = Arrays.copyOfRange(nanos, 10_000, nanos.length);
      Arrays.sort(warm);
      long p50 = warm[warm.length / 2];
      System.out.println(
          "cached decision p50 = " + p50 + " ns, p99 = " + warm[warm.length * 99 / 100] + " ns");
      assertThat(p50).isLessThan(50_000);
    }
  }
}
