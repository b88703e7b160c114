package dev.keel.http;

import io.javalin.http.Context;

/**
 * Told about every answered request, after its status is known (the audit log). Runs on the
 * request's thread: a listener that writes anywhere slow must queue the work.
 */
@FunctionalInterface
public interface RequestListener {
  /**
   * {@code ctx} was answered after {@code millis}.
   *
   * @param ctx the request, with its status, {@link Caller} and {@link Caller#checks checks}
   * @param millis how long it took
   */
  void answered(Context ctx, float millis);
}
