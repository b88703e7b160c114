package dev.keel.jobs.trigger;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where table and registry facts come from; the composition root implements it over the tables and
 * registry capabilities.
 *
 * <p>Triggers read durable facts (each table's current snapshot, the registry's model creations,
 * READY times and alias moves) rather than keeping pushed events in memory, so changes made by any
 * server sharing the metadata database, and changes made while no server was running, are never
 * lost. {@link #subscribe} only makes the trigger service look sooner than its next poll.
 */
public interface JobEventSource {
  /**
   * Runs {@code wake} soon after a table commit or a registry change on this server or another one
   * sharing the metadata database (and whenever such notices may have been missed). It may run
   * spuriously and on any thread; it must return quickly.
   */
  void subscribe(Runnable wake);

  /**
   * The current snapshot of each named table that exists and has one (names as given, lower-case
   * {@code catalog.schema.table}); missing tables are left out.
   */
  Map<String, JobEvent.TableUpdated> currentSnapshots(Collection<String> tableFullNames);

  /**
   * Registry events that happened at or after {@code since}, oldest first, at most {@code limit}:
   * models created, versions that became READY, aliases set (a deleted alias is no event).
   */
  List<JobEvent.ModelEvent> modelEventsSince(Instant since, int limit);

  /** True when {@code tableFullName} is a Keel table (for checking a trigger at save). */
  boolean tableExists(String tableFullName);
}
