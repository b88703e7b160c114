package dev.keel.jobs;

import dev.keel.jobs.store.Job;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.store.Repair;
import dev.keel.jobs.store.RunFilter;
import dev.keel.jobs.store.RunLease;
import dev.keel.jobs.store.TaskRun;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A server's view of the real store that can be frozen, as a server is by a long GC pause or a
 * suspended VM: while frozen every call waits (the server's tasks keep running), after {@link
 * #thaw} the calls go on with what the server believed before. Records the run states the server
 * wrote.
 */
final class FreezableStore implements JobStore {
  private final JobStore store;
  private volatile CountDownLatch frozen;

  /** The run states this server wrote (and the store took). */
  final List<JobRun> runWrites = new CopyOnWriteArrayList<>();

  /** Called on the writer's thread after each run state the store took under a lease. */
  volatile java.util.function.Consumer<JobRun> afterRunWrite = w -> {};

  FreezableStore(JobStore store) {
    this.store = store;
  }

  void freeze() {
    frozen = new CountDownLatch(1);
  }

  void thaw() {
    CountDownLatch f = frozen;
    frozen = null;
    if (f != null) {
      f.countDown();
    }
  }

  private void pass() {
    CountDownLatch f = frozen;
    if (f != null) {
      try {
        f.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while frozen", e);
      }
    }
  }

  @Override
  public long reserveIds(int n) {
    pass();
    return store.reserveIds(n);
  }

  @Override
  public void insertJob(Job job) {
    pass();
    store.insertJob(job);
  }

  @Override
  public Optional<Job> job(long jobId) {
    pass();
    return store.job(jobId);
  }

  @Override
  public List<Job> jobs(
      Optional<String> name, Optional<List<Long>> visible, long afterId, int limit) {
    pass();
    return store.jobs(name, visible, afterId, limit);
  }

  @Override
  public List<Job> triggeredJobs() {
    pass();
    return store.triggeredJobs();
  }

  @Override
  public boolean updateJob(Job job, boolean triggered) {
    pass();
    return store.updateJob(job, triggered);
  }

  @Override
  public boolean deleteJob(long jobId) {
    pass();
    return store.deleteJob(jobId);
  }

  @Override
  public JobRun createRun(JobRun draft, int maxConcurrent, boolean queue) {
    pass();
    return store.createRun(draft, maxConcurrent, queue);
  }

  @Override
  public List<JobRun> claim(String owner, long now, long leaseUntil, int limit, boolean takeOver) {
    pass();
    return store.claim(owner, now, leaseUntil, limit, takeOver);
  }

  @Override
  public List<Long> renew(String owner, long leaseUntil) {
    pass();
    return store.renew(owner, leaseUntil);
  }

  @Override
  public Optional<JobRun> run(long runId) {
    pass();
    return store.run(runId);
  }

  @Override
  public List<JobRun> runs(RunFilter filter, long offset, int limit) {
    pass();
    return store.runs(filter, offset, limit);
  }

  @Override
  public void updateRun(JobRun run) {
    pass();
    store.updateRun(run);
    runWrites.add(run);
  }

  @Override
  public boolean updateRun(JobRun run, RunLease lease) {
    pass();
    boolean written = store.updateRun(run, lease);
    if (written) {
      runWrites.add(run);
      afterRunWrite.accept(run);
    }
    return written;
  }

  @Override
  public boolean endRun(JobRun run, List<Repair> closed, RunLease lease) {
    pass();
    boolean written = store.endRun(run, closed, lease);
    if (written) {
      runWrites.add(run);
      afterRunWrite.accept(run);
    }
    return written;
  }

  @Override
  public List<Long> queuedRuns() {
    pass();
    return store.queuedRuns();
  }

  @Override
  public List<Long> requestCancel(Optional<Long> runId, Optional<Long> jobId, String reason) {
    pass();
    return store.requestCancel(runId, jobId, reason);
  }

  @Override
  public List<Long> cancelRequests(String owner) {
    pass();
    return store.cancelRequests(owner);
  }

  @Override
  public boolean deleteRun(long runId) {
    pass();
    return store.deleteRun(runId);
  }

  @Override
  public void insertTaskRun(TaskRun t) {
    pass();
    store.insertTaskRun(t);
  }

  @Override
  public void insertTaskRuns(List<TaskRun> ts) {
    pass();
    store.insertTaskRuns(ts);
  }

  @Override
  public boolean insertTaskRuns(List<TaskRun> ts, RunLease lease) {
    pass();
    return store.insertTaskRuns(ts, lease);
  }

  @Override
  public boolean updateTaskRun(TaskRun t, RunLease lease) {
    pass();
    return store.updateTaskRun(t, lease);
  }

  @Override
  public boolean putValue(String taskKey, String name, String json, RunLease lease) {
    pass();
    return store.putValue(taskKey, name, json, lease);
  }

  @Override
  public void updateTaskRun(TaskRun t) {
    pass();
    store.updateTaskRun(t);
  }

  @Override
  public Optional<TaskRun> taskRun(long taskRunId) {
    pass();
    return store.taskRun(taskRunId);
  }

  @Override
  public List<TaskRun> taskRuns(long runId) {
    pass();
    return store.taskRuns(runId);
  }

  @Override
  public java.util.Map<Long, List<TaskRun>> taskRuns(java.util.Collection<Long> runIds) {
    pass();
    return store.taskRuns(runIds);
  }

  @Override
  public void putValue(long runId, String taskKey, String name, String json) {
    pass();
    store.putValue(runId, taskKey, name, json);
  }

  @Override
  public Optional<String> value(long runId, String taskKey, String name) {
    pass();
    return store.value(runId, taskKey, name);
  }

  @Override
  public void insertRepair(Repair r) {
    pass();
    store.insertRepair(r);
  }

  @Override
  public void updateRepair(Repair r) {
    pass();
    store.updateRepair(r);
  }

  @Override
  public List<Repair> repairs(long runId) {
    pass();
    return store.repairs(runId);
  }
}
