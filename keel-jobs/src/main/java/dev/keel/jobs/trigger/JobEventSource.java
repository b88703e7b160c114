package dev.keel.jobs.trigger;

import java.util.function.Consumer;

/**
 * Where table and registry events come from; the composition root implements it over the tables and
 * registry capabilities. Events of every server sharing the metadata database arrive, each at least
 * once; a listener must tolerate repeats.
 */
public interface JobEventSource {
  /** Calls {@code listener} for every event from now on, on a thread of the source's. */
  void subscribe(Consumer<JobEvent> listener);
}
