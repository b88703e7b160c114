package dev.keel.bench;

import dev.keel.catalog.identity.Identity;
import dev.keel.catalog.permissions.AccessControl;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.JdbcObjectPermissionStore;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.catalog.permissions.PermissionLevel;
import dev.keel.core.Principal;
import dev.keel.store.Database;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.Metric;
import dev.keel.tracking.Param;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Search-runs as a non-administrator: {@code runs} runs (10 metrics, 10 params each, the values of
 * figure 2) spread over {@code experiments} experiments, of which the caller may read one in ten
 * (through a group grant). It searches all the experiments' ids with figure 2's filter and order, a
 * page of 100, in process against the tracking service, so the figure is the query's cost with
 * permissions filtering, not HTTP's; the same search as an administrator is measured for
 * comparison.
 */
final class AuthSearchBench {
  private AuthSearchBench() {}

  static void run(Path workDir, String db, String pgUrl, int runs, int experiments, int requests)
      throws Exception {
    Postgres pg = db.equals("postgres") ? Postgres.createSchema(pgUrl) : null;
    try (Database database =
        Database.open(
            pg == null ? Optional.empty() : Optional.of(pg.serverUrl()),
            workDir.resolve("auth-search"))) {
      TrackingService tracking =
          new TrackingService(new JdbcTrackingStore(database), Clock.systemUTC());
      ObjectPermissions permissions =
          new ObjectPermissions(new JdbcObjectPermissionStore(database));
      List<String> ids = new ArrayList<>();
      for (int e = 0; e < experiments; e++) {
        String id = tracking.createExperiment("auth-" + e, Optional.empty(), List.of());
        ids.add(id);
        permissions.setOwner(ObjectType.EXPERIMENTS, id, new Grantee("owner", Identity.Kind.USER));
        if (e % 10 == 0) {
          permissions.update(
              dev.keel.core.Principal.LOCAL,
              ObjectType.EXPERIMENTS,
              id,
              List.of(
                  new AccessControl(
                      new Grantee("readers", Identity.Kind.GROUP), PermissionLevel.CAN_READ)));
        }
      }
      long t0 = System.nanoTime();
      seed(tracking, ids, runs);
      System.out.printf(
          "seeded %d runs over %d experiments in %.1f s%n",
          runs, experiments, (System.nanoTime() - t0) / 1e9);

      Principal caller = new Principal("u", "bob", Principal.Kind.USER, false, Set.of("readers"));
      Optional<List<String>> readers = ObjectPermissions.readers(caller);
      int visible = count(tracking, ids, readers);
      int all = count(tracking, ids, Optional.empty());
      System.out.printf("matches: caller %d, administrator %d%n", visible, all);
      Latencies.Summary asCaller = measure(tracking, ids, readers, requests);
      Latencies.Summary asAdmin = measure(tracking, ids, Optional.empty(), requests);
      System.out.println("search-runs as a caller who reads 10% of the experiments: " + asCaller);
      System.out.println("search-runs as an administrator (no filter):             " + asAdmin);
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private static void seed(TrackingService tracking, List<String> ids, int runs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
                  SearchBench.RunData d = SearchBench.RunData.of(i);
                  Run r =
                      tracking.createRun(
                          ids.get(i % ids.size()),
                          Optional.empty(),
                          Optional.empty(),
                          OptionalLong.of(1_700_000_000_000L + i),
                          List.of());
                  List<Metric> metrics = new ArrayList<>();
                  List<Param> params = new ArrayList<>();
                  for (int k = 0; k < SearchBench.METRICS.length; k++) {
                    metrics.add(new Metric(SearchBench.METRICS[k], d.metrics()[k], 1, 0));
                    params.add(new Param("p" + k, k == 0 ? d.model() : Integer.toString(k)));
                  }
                  params.set(0, new Param("model", d.model()));
                  tracking.logBatch(r.info().runId(), metrics, params, List.of());
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static int count(
      TrackingService tracking, List<String> ids, Optional<List<String>> readers) {
    return tracking
        .searchRuns(
            ids,
            SearchBench.FILTER,
            "",
            OptionalLong.of(50_000),
            List.of(),
            Optional.empty(),
            readers)
        .items()
        .size();
  }

  private static Latencies.Summary measure(
      TrackingService tracking, List<String> ids, Optional<List<String>> readers, int requests) {
    Latencies l = new Latencies();
    for (int i = 0; i < requests + 50; i++) {
      long t = System.nanoTime();
      tracking.searchRuns(
          ids,
          SearchBench.FILTER,
          "",
          OptionalLong.of(SearchBench.PAGE),
          List.of(SearchBench.ORDER_BY),
          Optional.empty(),
          readers);
      if (i >= 50) {
        l.add(System.nanoTime() - t);
      }
    }
    return l.summary();
  }
}
