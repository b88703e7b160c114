package dev.keel.server;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.jobs.trigger.JobEvent;
import dev.keel.jobs.trigger.JobEventSource;
import dev.keel.registry.RegistryEvent;
import dev.keel.registry.RegistryService;
import dev.keel.tables.Snapshot;
import dev.keel.tables.TableService;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs module's {@link JobEventSource} over the tables and registry capabilities: table
 * snapshots and registry events are read from their durable records; this server's commits (their
 * listeners) and other servers' (their PostgreSQL announcements) wake the trigger service.
 */
final class JobEvents implements JobEventSource {
  private final TableService tables;
  private final RegistryService registry;

  JobEvents(TableService tables, RegistryService registry) {
    this.tables = tables;
    this.registry = registry;
  }

  @Override
  public void subscribe(Runnable wake) {
    tables.addCommitListener((table, snapshotId, at) -> wake.run());
    registry.addListener(e -> wake.run());
    tables.subscribeToCommits(wake); // closed with the database
    registry.subscribeToChanges(wake);
  }

  @Override
  public Map<String, JobEvent.TableUpdated> currentSnapshots(Collection<String> tableFullNames) {
    Map<String, JobEvent.TableUpdated> out = new LinkedHashMap<>();
    for (String name : tableFullNames) {
      current(name)
          .ifPresent(
              s -> out.put(name, new JobEvent.TableUpdated(name, s.snapshotId(), s.committedAt())));
    }
    return out;
  }

  private Optional<Snapshot> current(String name) {
    try {
      return tables.currentSnapshot(name);
    } catch (KeelException e) {
      if (e.code() == ErrorCode.INVALID_ARGUMENT) {
        return Optional.empty(); // not a table name: nothing to watch
      }
      throw e;
    }
  }

  @Override
  public List<JobEvent.ModelEvent> modelEventsSince(Instant since, int limit) {
    return registry.eventsSince(since, limit).stream().map(JobEvents::modelEvent).toList();
  }

  private static JobEvent.ModelEvent modelEvent(RegistryEvent e) {
    JobEvent.ModelChange change =
        switch (e.kind()) {
          case MODEL_CREATED -> JobEvent.ModelChange.MODEL_CREATED;
          case VERSION_READY -> JobEvent.ModelChange.MODEL_VERSION_READY;
          case ALIAS_SET -> JobEvent.ModelChange.MODEL_ALIAS_SET;
        };
    return new JobEvent.ModelEvent(
        change,
        e.modelFullName(),
        e.version().isPresent() ? e.version().getAsLong() : null,
        e.alias().orElse(null),
        e.at());
  }

  @Override
  public boolean tableExists(String tableFullName) {
    return current(tableFullName).isPresent();
  }
}
