package dev.keel.client;

/** What the clients' waiting loops share. */
final class Polls {
  private Polls() {}

  /**
   * Sleeps between two polls.
   *
   * @param what what is waited for, e.g. {@code run 42}, for the message
   * @throws KeelClientException {@code INTERRUPTED} (with the interrupt flag set again) if the
   *     thread is interrupted
   */
  static void sleep(long millis, String what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KeelClientException.local(
          KeelClientException.INTERRUPTED, "interrupted while waiting for " + what, e);
    }
  }
}
