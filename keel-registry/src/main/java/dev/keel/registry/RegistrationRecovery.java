package dev.keel.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background side of registration ownership, started with the server and closed with it: one
 * thread renews this server's registrations in progress every {@link #HEARTBEAT_MILLIS}; another
 * takes over registrations whose owner went silent (a killed or crashed server, this one before a
 * restart included) and re-runs them from their source, at start and then every {@link
 * #SWEEP_MILLIS}. Nothing stays {@code PENDING_REGISTRATION} with a dead owner.
 */
public final class RegistrationRecovery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistrationRecovery.class);

  /** How often this server renews the registrations it runs. */
  static final long HEARTBEAT_MILLIS = 5_000;

  /** How often this server looks for abandoned registrations. */
  static final long SWEEP_MILLIS = 5_000;

  private final ScheduledExecutorService heartbeat;
  private final ScheduledExecutorService sweep;

  RegistrationRecovery(VersionRegistration registration) {
    this.heartbeat = single("keel-registration-heartbeat");
    this.sweep = single("keel-registration-recovery");
    heartbeat.scheduleAtFixedRate(
        () -> guarded("renew registrations", registration::heartbeat),
        HEARTBEAT_MILLIS,
        HEARTBEAT_MILLIS,
        TimeUnit.MILLISECONDS);
    sweep.scheduleWithFixedDelay(
        () -> guarded("resume interrupted registrations", registration::recoverAbandoned),
        0,
        SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("Could not {}; trying again later", what, e);
    }
  }

  /** Stops both threads; registrations still running are taken over after the lease runs out. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    sweep.shutdownNow();
    try {
      sweep.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
