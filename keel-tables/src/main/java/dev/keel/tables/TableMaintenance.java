package dev.keel.tables;

import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns table maintenance: removing orphaned data files (files in a table's {@code data/} folder
 * that no snapshot holds: left by a write that was killed or failed before its commit, including
 * torn files) and expiring old snapshots.
 *
 * <p>A file is an orphan only when no snapshot of the table references it, it is older than the
 * table's last commit, and it is older than a safety age: a write in flight writes its file before
 * it commits, so a young unreferenced file may be about to be committed and is never touched.
 */
final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  /** The youngest an orphan may be when removed. */
  static final Duration MIN_AGE = Duration.ofMinutes(1);

  private final IcebergTables iceberg;

  TableMaintenance(IcebergTables iceberg) {
    this.iceberg = iceberg;
  }

  RemovedFiles removeOrphans(String fullName, Duration olderThan) {
    if (olderThan.compareTo(MIN_AGE) < 0) {
      throw Errors.invalid(
          "older_than: "
              + olderThan.toSeconds()
              + " s is below the minimum of "
              + MIN_AGE.toSeconds()
              + " s; a younger file may belong to a write that is about to commit.");
    }
    String[] p = Names.checkFullName("full_name", fullName, 3);
    return removeOrphans(iceberg.table(p), olderThan);
  }

  /** Removes the orphans of every table (at startup); a table that fails is logged and skipped. */
  RemovedFiles removeAllOrphans(Duration olderThan) {
    List<String> removed = new ArrayList<>();
    long bytes = 0;
    List<TableIdentifier> ids;
    try {
      ids = allTables();
    } catch (RuntimeException e) {
      LOG.warn("Could not list the tables to look for orphaned files: {}", e.toString());
      return new RemovedFiles(List.of(), 0);
    }
    for (TableIdentifier id : ids) {
      if (Thread.currentThread().isInterrupted()) {
        break; // the server is closing
      }
      try {
        Table t = iceberg.catalog().loadTable(id);
        RemovedFiles r = removeOrphans(t, olderThan);
        if (!r.files().isEmpty()) {
          LOG.info(
              "Removed {} orphaned data file(s) ({} bytes) of table {}",
              r.files().size(),
              r.bytes(),
              id);
        }
        r.files().forEach(f -> removed.add(id + "/" + f));
        bytes += r.bytes();
      } catch (RuntimeException e) {
        LOG.warn("Could not look for orphaned files of table {}: {}", id, e.toString());
      }
    }
    return new RemovedFiles(removed, bytes);
  }

  private List<TableIdentifier> allTables() {
    List<TableIdentifier> out = new ArrayList<>();
    for (Namespace cat : iceberg.catalog().listNamespaces(Namespace.empty())) {
      for (Namespace sch : iceberg.catalog().listNamespaces(cat)) {
        out.addAll(iceberg.catalog().listTables(sch));
      }
    }
    return out;
  }

  private RemovedFiles removeOrphans(Table t, Duration olderThan) {
    t.refresh();
    long lastCommit = ((HasTableOperations) t).operations().current().lastUpdatedMillis();
    // Files carry the file system's times and commits Iceberg's (the system clock's), so ages are
    // measured on the system clock too.
    Instant cutoff = Instant.now().minus(olderThan);
    if (Instant.ofEpochMilli(lastCommit).isBefore(cutoff)) {
      cutoff = Instant.ofEpochMilli(lastCommit);
    }
    Path root = IcebergTables.localPath(t.location()).toAbsolutePath().normalize();
    Path data = root.resolve("data");
    if (!Files.isDirectory(data)) {
      return new RemovedFiles(List.of(), 0);
    }
    Set<Path> referenced = referenced(t);
    List<String> removed = new ArrayList<>();
    AtomicLong bytes = new AtomicLong();
    Instant before = cutoff;
    try (Stream<Path> files = Files.walk(data)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        Path abs = f.toAbsolutePath().normalize();
        if (!a.isRegularFile()
            || referenced.contains(abs)
            || !a.lastModifiedTime().toInstant().isBefore(before)) {
          continue;
        }
        if (Files.deleteIfExists(f)) {
          removed.add(root.relativize(abs).toString());
          bytes.addAndGet(a.size());
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot list the files of " + t.name() + ": " + e, e);
    }
    removed.sort(null);
    return new RemovedFiles(removed, bytes.get());
  }

  /** Every data file that some snapshot of {@code t} holds. */
  private static Set<Path> referenced(Table t) {
    Set<String> manifests = new HashSet<>();
    Set<Path> out = new HashSet<>();
    for (org.apache.iceberg.Snapshot s : t.snapshots()) {
      for (ManifestFile m : s.allManifests(t.io())) {
        if (!manifests.add(m.path())) {
          continue;
        }
        try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, t.io(), t.specs())) {
          for (String path : paths) {
            out.add(IcebergTables.localPath(path).toAbsolutePath().normalize());
          }
        } catch (IOException e) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "cannot read a manifest of " + t.name() + ": " + e, e);
        }
      }
    }
    return out;
  }

  ExpireResult expireSnapshots(String fullName, Instant olderThan, int retainLast) {
    if (retainLast < 1) {
      throw Errors.invalid(
          "retain_last: " + retainLast + " must be at least 1 (the current snapshot stays).");
    }
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    int before = size(t.snapshots());
    AtomicLong deleted = new AtomicLong();
    try {
      t.expireSnapshots()
          .expireOlderThan(olderThan.toEpochMilli())
          .retainLast(retainLast)
          .deleteWith(
              location -> {
                Path f = IcebergTables.localPath(location);
                try {
                  if (Files.deleteIfExists(f) && location.endsWith(".parquet")) {
                    deleted.incrementAndGet();
                  }
                } catch (IOException e) {
                  LOG.warn("Could not delete expired file {}: {}", f, e.toString());
                }
              })
          .commit();
    } catch (CommitFailedException e) {
      throw new KeelException(
          ErrorCode.CONFLICT,
          "table " + String.join(".", p) + " changed concurrently; expire its snapshots again",
          e);
    }
    t.refresh();
    int after = size(t.snapshots());
    return new ExpireResult(before - after, after, deleted.get());
  }

  private static int size(Iterable<?> it) {
    int n = 0;
    for (Object o : it) {
      n++;
    }
    return n;
  }
}
