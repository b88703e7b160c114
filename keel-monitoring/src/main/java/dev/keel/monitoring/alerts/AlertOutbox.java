package dev.keel.monitoring.alerts;

import dev.keel.core.KeelException;
import dev.keel.monitoring.alerts.Firing.JobAction;
import dev.keel.monitoring.alerts.JdbcAlertStore.PendingDelivery;
import dev.keel.monitoring.alerts.JdbcAlertStore.PendingJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the outbox: webhook deliveries and job starts written with each firing. Each attempt is
 * claimed in the database first (so servers sharing it never run the same attempt twice), then
 * made; 2xx delivers, 408/429/5xx and network errors retry after {@link
 * AlertSettings#retryDelayMillis}, other statuses fail at once; after {@link
 * AlertSettings#maxAttempts} attempts a row is FAILED. A server killed mid-attempt leaves the row
 * claimed until its lease ends; then it is attempted again (at least once).
 */
final class AlertOutbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);
  private static final int BATCH = 100;

  private final JdbcAlertStore store;
  private final AlertJobs jobs;
  private final AlertSettings settings;
  private final Clock clock;
  private final WebhookSender sender;
  private ScheduledExecutorService worker;

  AlertOutbox(JdbcAlertStore store, AlertJobs jobs, AlertSettings settings, Clock clock) {
    this.store = store;
    this.jobs = jobs;
    this.settings = settings;
    this.clock = clock;
    this.sender = new WebhookSender(settings, clock);
  }

  synchronized void start() {
    if (worker != null) {
      return;
    }
    worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keel-alert-outbox");
              t.setDaemon(true);
              return t;
            });
    long poll = settings.pollInterval().toMillis();
    worker.scheduleWithFixedDelay(this::quietPass, 0, poll, TimeUnit.MILLISECONDS);
  }

  /** Asks the background worker (if started) for a pass now. */
  synchronized void wake() {
    if (worker != null && !worker.isShutdown()) {
      worker.execute(this::quietPass);
    }
  }

  private void quietPass() {
    try {
      pass();
    } catch (RuntimeException e) {
      LOG.warn("alert outbox pass failed: {}", e.toString());
    }
  }

  /** One pass over everything due now; returns how many attempts were made. */
  synchronized int pass() {
    long now = clock.millis();
    int made = 0;
    long lease =
        now + settings.connectTimeout().toMillis() + settings.requestTimeout().toMillis() + 5_000;
    List<PendingDelivery> claimed = new ArrayList<>();
    for (PendingDelivery d : store.dueDeliveries(now, BATCH)) {
      if (store.claimDelivery(d.deliveryId(), d.attempts(), lease, now)) {
        claimed.add(d);
      }
    }
    if (!claimed.isEmpty()) {
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> running = new ArrayList<>();
        for (PendingDelivery d : claimed) {
          running.add(pool.submit(() -> deliver(d)));
        }
        for (Future<?> f : running) {
          try {
            f.get();
            made++;
          } catch (ExecutionException e) {
            LOG.warn("webhook delivery failed: {}", e.getCause().toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return made;
          }
        }
      }
    }
    for (PendingJob j : store.dueJobs(now, BATCH)) {
      if (store.claimJob(j.firingId(), j.attempts(), now + 60_000)) {
        startJob(j);
        made++;
      }
    }
    return made;
  }

  private void deliver(PendingDelivery d) {
    int attempt = d.attempts() + 1;
    WebhookSender.Result r = sender.send(d.url(), d.deliveryId(), d.secret(), d.body());
    long now = clock.millis();
    switch (r.outcome()) {
      case DELIVERED ->
          store.finishDelivery(
              d.deliveryId(), Delivery.State.DELIVERED, r.status(), Optional.empty(), now, now);
      case FAILED ->
          store.finishDelivery(
              d.deliveryId(), Delivery.State.FAILED, r.status(), r.error(), now, now);
      case RETRY -> {
        boolean last = attempt >= settings.maxAttempts();
        store.finishDelivery(
            d.deliveryId(),
            last ? Delivery.State.FAILED : Delivery.State.PENDING,
            r.status(),
            r.error(),
            last ? now : now + settings.retryDelayMillis(attempt),
            now);
      }
    }
  }

  private void startJob(PendingJob j) {
    int attempt = j.attempts() + 1;
    long now = clock.millis();
    try {
      long run = jobs.runNow(j.jobId(), j.params(), j.runAs(), j.firingId());
      store.finishJob(
          j.firingId(), JobAction.State.STARTED, OptionalLong.of(run), Optional.empty(), now);
    } catch (KeelException e) {
      boolean permanent = e.code().httpStatus() < 500;
      boolean last = permanent || attempt >= settings.maxAttempts();
      store.finishJob(
          j.firingId(),
          last ? JobAction.State.FAILED : JobAction.State.PENDING,
          OptionalLong.empty(),
          Optional.of(e.getMessage()),
          last ? now : now + settings.retryDelayMillis(attempt));
    } catch (RuntimeException e) {
      boolean last = attempt >= settings.maxAttempts();
      store.finishJob(
          j.firingId(),
          last ? JobAction.State.FAILED : JobAction.State.PENDING,
          OptionalLong.empty(),
          Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()),
          last ? now : now + settings.retryDelayMillis(attempt));
    }
  }

  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.shutdownNow();
      try {
        worker.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      worker = null;
    }
  }
}
