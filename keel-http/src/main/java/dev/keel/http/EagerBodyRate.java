package dev.keel.http;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds the part of a request body that Jetty's {@code EagerContentHandler} reads before the
 * request takes a thread ({@link HttpServer#EAGER_BODY_BYTES}): from the moment the headers have
 * arrived, the body must arrive at least at the minimum rate (bytes per second, averaged over the
 * time since the headers), judged from {@value #GRACE_MILLIS} ms on, until it has arrived whole or
 * the request is handed to a thread. A body that falls behind is cut by a timer, not by the next
 * byte the client sends, so a client that stops part-way is cut as surely as one that trickles: the
 * request is then handed to its route with a body that fails with the same 408 as {@link
 * ClientDataRate}'s ({@code REQUEST_TIMEOUT}, {@code Connection: close}), and the buffers held for
 * it are released. Without this, such a connection held its buffer until the idle timeout (30 s).
 *
 * <p>While the eager read runs, the server does nothing else for the request, so time since the
 * headers is the client's time (unlike {@link ClientDataRate}, which must leave out the handler's
 * pauses). The grace is longer than ClientDataRate's so that one lost packet (Linux retransmits
 * after 200 ms to 1 s) does not cut a request. A body that arrives with its headers (most do) never
 * starts the timer. Thread-safe.
 */
final class EagerBodyRate extends Handler.Wrapper {
  /** The time from the headers before which the rate is not judged. */
  static final long GRACE_MILLIS = 2_000;

  private final long minBytesPerSecond;

  /**
   * A handler bounding the eager body read of {@code next} (an {@code EagerContentHandler}) to
   * {@code minBytesPerSecond}; 0 for no limit.
   */
  EagerBodyRate(long minBytesPerSecond, Handler next) {
    super(next);
    this.minBytesPerSecond = minBytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (minBytesPerSecond <= 0 || request.getLength() == 0) {
      return super.handle(request, response, callback);
    }
    return super.handle(new Timed(request, minBytesPerSecond), response, callback);
  }

  /**
   * Ends the bound for {@code request}: it has been handed to the handler that runs the routes,
   * which reads the rest of the body under {@link ClientDataRate}.
   */
  static void handedOver(Request request) {
    Timed timed = Request.as(request, Timed.class);
    if (timed != null) {
      timed.finish();
    }
  }

  /** The request as the eager reader sees it, cut by a timer when its body falls behind. */
  private static final class Timed extends Request.Wrapper {
    private final long minBytesPerSecond;
    private final long start = NanoTime.now();
    private final Object lock = new Object();
    private long bytes;
    private boolean finished;
    private Content.Chunk cut;
    private Scheduler.Task timer;
    private Demand pending; // the reader's demand the timer may have to answer

    Timed(Request request, long minBytesPerSecond) {
      super(request);
      this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public Content.Chunk read() {
      synchronized (lock) {
        if (cut != null) {
          return cut;
        }
      }
      Content.Chunk chunk = super.read();
      if (chunk != null) {
        synchronized (lock) {
          bytes += chunk.remaining();
          if (chunk.isLast()) {
            finishLocked();
          }
        }
      }
      return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
      Demand demand = new Demand(demandCallback);
      synchronized (lock) {
        if (cut != null) {
          getContext().execute(demandCallback); // the cut is there to read
          return;
        }
        if (!finished) {
          pending = demand;
          if (timer == null) {
            schedule(GRACE_MILLIS);
          }
        }
      }
      super.demand(demand::answer);
    }

    /** Stops judging: the body arrived whole or the request went to a thread. */
    void finish() {
      synchronized (lock) {
        finishLocked();
      }
    }

    private void finishLocked() {
      finished = true;
      pending = null;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }

    private void schedule(long atMillisFromStart) {
      long delay = atMillisFromStart - NanoTime.millisSince(start);
      timer =
          getComponents()
              .getScheduler()
              .schedule(this::check, Math.max(1, delay), TimeUnit.MILLISECONDS);
    }

    private void check() {
      Demand wake;
      synchronized (lock) {
        if (finished || cut != null) {
          return;
        }
        long elapsed = NanoTime.millisSince(start);
        // the time by which the bytes received so far are due at the minimum rate
        long dueMillis = bytes * 1000 / minBytesPerSecond;
        if (dueMillis > elapsed) {
          schedule(dueMillis + 1);
          return;
        }
        timer = null;
        cut = ClientDataRate.tooSlow(minBytesPerSecond);
        wake = pending;
        pending = null;
      }
      if (wake != null) {
        wake.answer(); // the eager reader reads the cut and hands the request on
      }
    }
  }

  /** A demand for more body, answered once: by the connection or by the timer's cut. */
  private static final class Demand {
    private final Runnable callback;
    private final java.util.concurrent.atomic.AtomicBoolean answered =
        new java.util.concurrent.atomic.AtomicBoolean();

    Demand(Runnable callback) {
      this.callback = callback;
    }

    void answer() {
      if (answered.compareAndSet(false, true)) {
        callback.run();
      }
    }
  }
}
