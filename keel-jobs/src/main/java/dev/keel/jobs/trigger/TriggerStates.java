package dev.keel.jobs.trigger;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Where the trigger service keeps its per-job state (see {@link JdbcTriggerStates}). */
interface TriggerStates {
  /** Every stored state. */
  List<TriggerState> all();

  /**
   * Stores {@code state} if the stored row is still at {@code expectedVersion} (0: there is no row
   * yet); the stored version becomes {@code expectedVersion + 1}.
   *
   * @return false when another writer got there first (nothing changed)
   */
  boolean put(TriggerState state, long expectedVersion, Instant now);

  /**
   * Removes the states of jobs not in {@code jobIds} (their triggers were removed) that were last
   * written before {@code unchangedSince}: a server whose job list is a few seconds old must not
   * remove the state another server just wrote for a new job.
   */
  void retain(Set<Long> jobIds, Instant unchangedSince);
}
