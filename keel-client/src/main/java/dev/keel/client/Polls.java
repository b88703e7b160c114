package dev.keel.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The waiting loop the clients share: poll, report changes, back off, give up at a deadline. */
final class Polls {
  private static final long FIRST_POLL_MS = 100;
  private static final long MAX_POLL_MS = 1000;

  private Polls() {}

  /**
   * Calls {@code poll} until {@code done} holds and returns that answer. {@code onChange} gets the
   * first answer and every answer whose {@code fingerprint} differs from the previous one. Polls
   * every 100 ms at first, doubling to once a second, and again every 100 ms after a change.
   *
   * @param what what is waited for, e.g. {@code run 42}, for the interrupted message
   * @param timeoutMessage the {@code TIMEOUT} error's message, given the last answer
   * @throws KeelClientException {@code TIMEOUT} if {@code done} does not hold after {@code
   *     timeout}; {@code INTERRUPTED} (interrupt flag set again) if the thread is interrupted
   */
  static <T> T until(
      Supplier<T> poll,
      Function<T, String> fingerprint,
      Predicate<T> done,
      Duration timeout,
      Consumer<T> onChange,
      String what,
      Function<T, String> timeoutMessage) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(onChange, "onChange");
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = FIRST_POLL_MS;
    String seen = null;
    while (true) {
      T r = poll.get();
      String now = fingerprint.apply(r);
      if (!now.equals(seen)) {
        seen = now;
        onChange.accept(r);
        sleep = FIRST_POLL_MS;
      }
      if (done.test(r)) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw KeelClientException.local("TIMEOUT", timeoutMessage.apply(r));
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw KeelClientException.local(
            KeelClientException.INTERRUPTED, "interrupted while waiting for " + what, e);
      }
      sleep = Math.min(MAX_POLL_MS, sleep * 2);
    }
  }
}
