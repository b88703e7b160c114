package dev.keel.features.training;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * Builds point-in-time training sets on an in-process DuckDB: one in-memory database per engine,
 * opened at the first build and kept until {@link #close()} (a database per build cost 0.5-0.8 s of
 * a 3 s build: its memory is new to the process, and releasing it takes 0.2 s), with its own
 * connection and schema per training set; extensions are never downloaded or loaded. Thread-safe:
 * builds run concurrently and share the database's threads and memory limit.
 *
 * <p>The rule, per lookup and spine row with keys {@code k} and time {@code t} (Feast's): candidate
 * rows have keys {@code = k} and {@code event_time <= t}, and with a lookback window also {@code
 * event_time >= t - window}; the latest event time wins, ties go to the latest ingestion time (NULL
 * counts as oldest), then to the row read last (later file in the source's list, then later row in
 * the file). No candidate gives NULLs or the lookup's defaults. {@code docs/features.md} has the
 * whole rule and the query plan.
 */
public final class TrainingSetEngine implements AutoCloseable {
  /**
   * Engine settings.
   *
   * @param threads DuckDB worker threads (at least 1)
   * @param tempDirectory where DuckDB spills when a join does not fit in memory; empty uses
   *     DuckDB's default ({@code .tmp} next to the database, i.e. the working directory for an
   *     in-memory one)
   * @param memoryLimit DuckDB's {@code memory_limit} (for example {@code "4GB"}); empty keeps
   *     DuckDB's default (80% of RAM)
   */
  public record Options(int threads, Optional<Path> tempDirectory, Optional<String> memoryLimit) {
    /** Checks the thread count. */
    public Options {
      if (threads < 1) {
        throw KeelException.invalid("threads: must be at least 1 (got " + threads + ")");
      }
      tempDirectory = tempDirectory == null ? Optional.empty() : tempDirectory;
      memoryLimit = memoryLimit == null ? Optional.empty() : memoryLimit;
      if (memoryLimit.isPresent()
          && !memoryLimit.get().matches("[0-9]+(\\.[0-9]+)?\\s*[KMGT]i?B")) {
        throw KeelException.invalid(
            "memoryLimit: expected a size like 4GB or 512MiB (got '" + memoryLimit.get() + "')");
      }
    }

    /** One thread per available processor, DuckDB's default temp directory and memory limit. */
    public static Options defaults() {
      return new Options(
          Runtime.getRuntime().availableProcessors(), Optional.empty(), Optional.empty());
    }

    /** A copy spilling to {@code dir}. */
    public Options withTempDirectory(Path dir) {
      return new Options(threads, Optional.of(dir), memoryLimit);
    }
  }

  private final FeatureSourceResolver resolver;
  private final OnDemandRegistry registry;
  private final Options options;
  private final java.util.concurrent.atomic.AtomicLong builds =
      new java.util.concurrent.atomic.AtomicLong();
  private DuckDBConnection database;
  private boolean closed;

  /**
   * An engine reading feature tables through {@code resolver} and on-demand functions from {@code
   * registry}.
   */
  public TrainingSetEngine(
      FeatureSourceResolver resolver, OnDemandRegistry registry, Options options) {
    this.resolver = java.util.Objects.requireNonNull(resolver, "resolver");
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  /** The engine's options (threads, scratch directory, memory limit). */
  public Options options() {
    return options;
  }

  /**
   * Validates {@code spec} against the current snapshots of its tables and prepares the training
   * set. The join itself runs when the result is written or streamed.
   *
   * @throws KeelException INVALID_ARGUMENT naming the field for a bad spec (unknown table, feature
   *     or spine column, key count or type mismatch, a timestamp without time zone, ...)
   */
  public TrainingSet build(TrainingSetSpec spec) {
    return build(spec, Map.of());
  }

  /**
   * Like {@link #build(TrainingSetSpec)}, but reads each table named in {@code snapshotIds} at that
   * snapshot (as recorded by {@link TrainingSet#snapshotIds()}), so a recorded training set can be
   * rebuilt exactly. Tables not in the map are read at their current snapshot.
   */
  public TrainingSet build(TrainingSetSpec spec, Map<String, Long> snapshotIds) {
    String schema = "training_set_" + builds.incrementAndGet();
    Connection c = connect();
    boolean ok = false;
    try {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      TrainingSet set = new Planner(c, schema, spec, resolver, registry, snapshotIds).plan();
      ok = true;
      return set;
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "Building the training set failed: " + e.getMessage(), e);
    } finally {
      if (!ok) {
        try (Connection closing = c;
            Statement s = closing.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
          // the build already failed; nothing more to report
        }
      }
    }
  }

  /** A new connection to the engine's database, opening the database on first use. */
  private synchronized Connection connect() {
    if (closed) {
      throw new KeelException(
          ErrorCode.TEMPORARILY_UNAVAILABLE, "the training-set engine is closed");
    }
    try {
      if (database == null) {
        database = open();
      }
      return database.duplicate();
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "Could not connect to DuckDB: " + e.getMessage(), e);
    }
  }

  /**
   * Closes the database; training sets still open fail when used. Later builds are refused. Safe to
   * call twice.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (database != null) {
      try {
        database.close();
      } catch (SQLException e) {
        // shutting down: nothing useful to do with it
      }
      database = null;
    }
  }

  private DuckDBConnection open() {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("jdbc_stream_results", "true");
    try {
      DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", p);
      dev.keel.core.NativeLibraries.forgetExtractedOnce(dev.keel.core.NativeLibraries.DUCKDB);
      try (Statement s = c.createStatement()) {
        s.execute("SET GLOBAL threads = " + options.threads());
        s.execute("SET GLOBAL TimeZone = 'UTC'");
        // Every order the engine relies on is explicit (the spine's row number, ORDER BY in the
        // final query), so DuckDB may reorder the rest: ~0.1 s of 3 s for 1M x 3 lookups.
        s.execute("SET GLOBAL preserve_insertion_order = false");
        // The database lives as long as the engine: let DuckDB's allocator hand memory back to
        // the OS in the background once builds are done (without it the process kept ~1.5 GB
        // after a 1M x 3 x 5M build until the engine closed; with it, ~0.2 GB a few seconds on).
        s.execute("SET GLOBAL allocator_background_threads = true");
        if (options.tempDirectory().isPresent()) {
          s.execute(
              "SET GLOBAL temp_directory = "
                  + Sql.string(options.tempDirectory().get().toString()));
        }
        if (options.memoryLimit().isPresent()) {
          s.execute("SET GLOBAL memory_limit = " + Sql.string(options.memoryLimit().get()));
        }
      }
      return c;
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "Could not start DuckDB: " + e.getMessage(), e);
    }
  }
}
