package dev.keel.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: N worker threads each send one request, wait for the answer, send the next.
 * After a warm-up, requests that complete inside the measurement window count: throughput is their
 * number (and their units, e.g. metric points) divided by the window; latency is measured per
 * request from send to the last byte of the answer.
 */
final class LoadRunner {
  /** One request of worker {@code worker}; returns the units it carried (e.g. points). */
  @FunctionalInterface
  interface Op {
    long run(int worker, long iteration) throws Exception;
  }

  record Result(
      int workers,
      long requests,
      long units,
      long errors,
      double seconds,
      Latencies.Summary latency,
      double serverCores,
      double clientCores,
      double machineCores,
      String firstError) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double unitsPerSecond() {
      return units / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          "workers=%d requests=%d (%.1f/s) units=%d (%.0f/s) errors=%d window=%.1fs%n"
              + "  latency %s%n  CPU: server %.2f cores, load generator %.2f cores,"
              + " whole machine %.2f of %d cores busy%s",
          workers,
          requests,
          requestsPerSecond(),
          units,
          unitsPerSecond(),
          errors,
          seconds,
          latency,
          serverCores,
          clientCores,
          machineCores,
          Runtime.getRuntime().availableProcessors(),
          firstError == null ? "" : "\n  first error: " + firstError);
    }
  }

  private LoadRunner() {}

  static Result run(int workers, Duration warmup, Duration measure, ServerProcess server, Op op)
      throws InterruptedException {
    long start = System.nanoTime();
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + measure.toNanos();
    AtomicLong requests = new AtomicLong();
    AtomicLong units = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    List<Latencies> lat = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      Latencies mine = new Latencies();
      lat.add(mine);
      int worker = w;
      Thread t =
          new Thread(
              () -> {
                long i = 0;
                while (true) {
                  long t0 = System.nanoTime();
                  if (t0 >= windowEnd) {
                    return;
                  }
                  long n = -1;
                  String err = null;
                  try {
                    n = op.run(worker, i++);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    err = e.toString();
                  }
                  long t1 = System.nanoTime();
                  if (t1 >= windowStart && t1 < windowEnd) {
                    if (err == null) {
                      requests.incrementAndGet();
                      units.addAndGet(n);
                      mine.add(t1 - t0);
                    } else {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, err);
                    }
                  } else if (err != null) {
                    firstError.compareAndSet(null, "(outside window) " + err);
                  }
                }
              },
              "load-" + w);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    sleepUntil(windowStart);
    long serverCpu0 = server.cpuNanos();
    long selfCpu0 = selfCpuNanos();
    long[] ticks0 = Machine.cpuTicks();
    sleepUntil(windowEnd);
    long serverCpu1 = server.cpuNanos();
    long selfCpu1 = selfCpuNanos();
    long[] ticks1 = Machine.cpuTicks();
    for (Thread t : threads) {
      t.join();
    }
    double secs = measure.toNanos() / 1e9;
    return new Result(
        workers,
        requests.get(),
        units.get(),
        errors.get(),
        secs,
        Latencies.merge(lat).summary(),
        (serverCpu1 - serverCpu0) / 1e9 / secs,
        (selfCpu1 - selfCpu0) / 1e9 / secs,
        Machine.busyCores(ticks0, ticks1),
        firstError.get());
  }

  /** Sequential requests from one thread: {@code warmup} unmeasured, then {@code count} timed. */
  static Result sequential(int warmup, int count, ServerProcess server, Op op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run(0, i);
    }
    Latencies lat = new Latencies();
    long units = 0;
    long serverCpu0 = server.cpuNanos();
    long selfCpu0 = selfCpuNanos();
    long[] ticks0 = Machine.cpuTicks();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      units += op.run(0, warmup + i);
      lat.add(System.nanoTime() - t0);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new Result(
        1,
        count,
        units,
        0,
        secs,
        lat.summary(),
        (server.cpuNanos() - serverCpu0) / 1e9 / secs,
        (selfCpuNanos() - selfCpu0) / 1e9 / secs,
        Machine.busyCores(ticks0, Machine.cpuTicks()),
        null);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }

  static long selfCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
