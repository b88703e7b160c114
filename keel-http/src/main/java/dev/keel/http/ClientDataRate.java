package dev.keel.http;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Cuts a request whose body the client sends slower than a minimum rate, measured on the client's
 * time only: the time the server spent waiting for body bytes that had not arrived (from a read
 * that found nothing until the connection says more arrived). Time the server spends before or
 * between its reads (authorization, a file write, a loaded host) is not the client's and is never
 * counted, and a body that has arrived whole (every small body, read before the request takes a
 * thread) is never waited for, so never cut.
 *
 * <p>Jetty's own check ({@code HttpConfiguration.setMinRequestDataRate}) divides the bytes the
 * handler has read by the time since its first read, so a handler that pauses for a few
 * milliseconds between two reads of a 5-byte body (the body and then its end) is cut; Keel turns it
 * off and installs this instead. A cut body reads as a failure carrying a {@link
 * BadMessageException} 408, which {@link ErrorTranslator} answers 408 {@code REQUEST_TIMEOUT}. The
 * rate is judged once the server has waited at least {@value #GRACE_MILLIS} ms, so one slow packet
 * does not cut a request.
 */
final class ClientDataRate extends Handler.Wrapper {
  /** The waiting time below which the rate is not judged. */
  static final long GRACE_MILLIS = 1_000;

  private final long minBytesPerSecond;

  /** A handler cutting bodies slower than {@code minBytesPerSecond}; 0 for no limit. */
  ClientDataRate(long minBytesPerSecond) {
    this.minBytesPerSecond = minBytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    EagerBodyRate.handedOver(request);
    if (minBytesPerSecond <= 0) {
      return super.handle(request, response, callback);
    }
    return super.handle(new Paced(request, minBytesPerSecond), response, callback);
  }

  /**
   * The failure a body read finds once it has been cut for arriving slower than {@code
   * minBytesPerSecond}: a 408 that {@link ErrorTranslator} answers as {@code REQUEST_TIMEOUT}.
   */
  static Content.Chunk tooSlow(long minBytesPerSecond) {
    return Content.Chunk.from(
        new BadMessageException(
            HttpStatus.REQUEST_TIMEOUT_408,
            "The request body arrived slower than " + minBytesPerSecond + " bytes per second"),
        true);
  }

  /** The request as the routes read it, timing the waits for its body. */
  private static final class Paced extends Request.Wrapper {
    private final long minBytesPerSecond;
    private final Object lock = new Object();
    private long waitedNanos;
    private long waitStart = Long.MIN_VALUE; // MIN_VALUE: not waiting
    private long bytesSinceFirstWait = -1; // -1: the server has not waited yet
    private Content.Chunk cut;

    Paced(Request request, long minBytesPerSecond) {
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
      synchronized (lock) {
        long now = NanoTime.now();
        stopWaiting(now);
        if (chunk != null) {
          if (bytesSinceFirstWait >= 0) {
            bytesSinceFirstWait += chunk.remaining();
          }
          return chunk;
        }
        // nothing has arrived: from here the server waits for the client
        if (bytesSinceFirstWait < 0) {
          bytesSinceFirstWait = 0;
        }
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(waitedNanos);
        if (waitedMillis >= GRACE_MILLIS
            && bytesSinceFirstWait < minBytesPerSecond * waitedMillis / 1000) {
          cut = tooSlow(minBytesPerSecond);
          return cut;
        }
        waitStart = now;
        return null;
      }
    }

    @Override
    public void demand(Runnable demandCallback) {
      super.demand(
          () -> {
            synchronized (lock) {
              stopWaiting(NanoTime.now());
            }
            demandCallback.run();
          });
    }

    private void stopWaiting(long now) {
      if (waitStart != Long.MIN_VALUE) {
        waitedNanos += now - waitStart;
        waitStart = Long.MIN_VALUE;
      }
    }
  }
}
