package dev.keel.jobs.store;

/**
 * The fence of the server that drives a run: its id and the run's lease epoch when it claimed the
 * run. The store takes a write made under a lease only while the run is still claimed under it;
 * once another server (or this one, again) has claimed the run, the write is refused.
 *
 * @param runId the run
 * @param owner the server's id
 * @param epoch the run's lease epoch of that claim
 */
public record RunLease(long runId, String owner, long epoch) {
  /** The lease a claimed run carries; fails if it has no owner. */
  public static RunLease of(JobRun claimed) {
    return new RunLease(
        claimed.runId(),
        claimed.owner().orElseThrow(() -> new IllegalArgumentException("the run is not claimed")),
        claimed.leaseEpoch());
  }
}
