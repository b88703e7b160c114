package dev.keel.store;

/**
 * A registration for change announcements on a channel (see {@link Database#subscribe}). While it
 * is not {@link #live()}, announcements may be missed, so caches built on it must read through.
 */
public interface Subscription extends AutoCloseable {
  /** The subscription of a database that no other server writes: always live, nothing to stop. */
  Subscription ALWAYS_LIVE =
      new Subscription() {
        @Override
        public boolean live() {
          return true;
        }

        @Override
        public void close() {}
      };

  /** True while announcements are being received. */
  boolean live();

  /** Stops listening. */
  @Override
  void close();
}
