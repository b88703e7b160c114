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
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns table maintenance: removing orphaned files and expiring old snapshots. Orphans are data
 * files in a table's {@code data/} folder that no snapshot holds (left by a write that was killed
 * or failed before its commit, including torn files) and Iceberg metadata files in its {@code
 * metadata/} folder that the table's history does not reach (the metadata.json, manifest list and
 * manifests of a commit that was killed or lost its race after writing them; metadata.json files
 * older than the metadata log keeps).
 *
 * <p>A file is an orphan only when the table's history does not reach it, it is older than the
 * table's last commit, and it is older than a safety age: a write in flight writes its files before
 * it commits, so a young unreachable file may be about to be committed and is never touched.
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
              "Removed {} orphaned file(s) ({} bytes) of table {}",
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
    TableMetadata current = ((HasTableOperations) t).operations().current();
    // Ages are measured on the system clock, and that is what they must be measured on: a file's
    // age is its modification time, which the file system stamps from this host's clock, as
    // Iceberg stamps a commit's time (lastUpdatedMillis) from it. The table's last commit bounds
    // the cutoff too, so a file written after the last commit (by a write in flight) is never an
    // orphan whatever the age; a clock stepped forward by more than the age could make a young
    // file look old, which the (1 h at start) age makes unlikely but not impossible.
    Instant cutoff = Instant.now().minus(olderThan);
    if (Instant.ofEpochMilli(current.lastUpdatedMillis()).isBefore(cutoff)) {
      cutoff = Instant.ofEpochMilli(current.lastUpdatedMillis());
    }
    Path root = IcebergTables.localPath(t.location()).toAbsolutePath().normalize();
    Reachable reachable = reachable(t, current);
    List<String> removed = new ArrayList<>();
    AtomicLong bytes = new AtomicLong();
    remove(t, root, root.resolve("data"), f -> true, reachable.data(), cutoff, removed, bytes);
    remove(
        t,
        root,
        root.resolve("metadata"),
        TableMaintenance::isIcebergMetadata,
        reachable.metadata(),
        cutoff,
        removed,
        bytes);
    removed.sort(null);
    return new RemovedFiles(removed, bytes.get());
  }

  /**
   * Removes the files under {@code dir} that {@code kind} accepts, {@code reachable} does not hold
   * and that were last modified before {@code before}.
   */
  private static void remove(
      Table t,
      Path root,
      Path dir,
      Predicate<Path> kind,
      Set<Path> reachable,
      Instant before,
      List<String> removed,
      AtomicLong bytes) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        Path abs = f.toAbsolutePath().normalize();
        if (!a.isRegularFile()
            || !kind.test(abs)
            || reachable.contains(abs)
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
  }

  /**
   * Files Iceberg writes in a table's {@code metadata/} folder: table metadata, manifest lists and
   * manifests, statistics. Anything else there is not Keel's to remove.
   */
  private static boolean isIcebergMetadata(Path f) {
    String n = f.getFileName().toString();
    return n.endsWith(".metadata.json")
        || n.endsWith(".metadata.json.gz")
        || n.endsWith(".avro")
        || n.endsWith(".puffin")
        || n.endsWith(".stats");
  }

  /**
   * What the table's history reaches.
   *
   * @param data the data files some snapshot holds
   * @param metadata the current metadata file, the earlier ones in its metadata log, every
   *     snapshot's manifest list and manifests, and the statistics files
   */
  private record Reachable(Set<Path> data, Set<Path> metadata) {}

  private static Reachable reachable(Table t, TableMetadata current) {
    Set<Path> data = new HashSet<>();
    Set<Path> metadata = new HashSet<>();
    Consumer<String> meta =
        l -> metadata.add(IcebergTables.localPath(l).toAbsolutePath().normalize());
    meta.accept(current.metadataFileLocation());
    current.previousFiles().forEach(e -> meta.accept(e.file()));
    t.statisticsFiles().forEach(f -> meta.accept(f.path()));
    t.partitionStatisticsFiles().forEach(f -> meta.accept(f.path()));
    Set<String> manifests = new HashSet<>();
    for (org.apache.iceberg.Snapshot s : current.snapshots()) {
      if (s.manifestListLocation() != null) {
        meta.accept(s.manifestListLocation());
      }
      for (ManifestFile m : s.allManifests(t.io())) {
        if (!manifests.add(m.path())) {
          continue;
        }
        meta.accept(m.path());
        try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, t.io(), t.specs())) {
          for (String path : paths) {
            data.add(IcebergTables.localPath(path).toAbsolutePath().normalize());
          }
        } catch (IOException e) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "cannot read a manifest of " + t.name() + ": " + e, e);
        }
      }
    }
    return new Reachable(data, metadata);
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
