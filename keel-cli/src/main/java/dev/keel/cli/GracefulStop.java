package dev.keel.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM / SIGINT handling shared by the long-running commands ({@code server}, {@code serve}):
 * the first signal starts a graceful stop, so the process exits 0 once requests in flight drained
 * (a shutdown hook alone would make the JVM exit 143 / 130); a second signal halts at once.
 */
final class GracefulStop {
  private GracefulStop() {}

  /**
   * Installs the handlers and returns the ones they replaced, so in-process callers can put them
   * back. Where a signal cannot be handled (e.g. {@code -Xrs}, or a platform without it), it is
   * skipped: the caller's shutdown hook still drains.
   */
  static Map<Signal, SignalHandler> install(Runnable stop, String message, PrintWriter err) {
    AtomicBoolean stopping = new AtomicBoolean();
    Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal signal = new Signal(name);
        previous.put(
            signal,
            Signal.handle(
                signal,
                sig -> {
                  if (stopping.compareAndSet(false, true)) {
                    err.println(message);
                    err.flush();
                    Thread.ofPlatform().name("keel-stop").start(stop);
                  } else {
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                  }
                }));
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // this signal cannot be handled here; the shutdown hook drains instead
      }
    }
    return previous;
  }
}
