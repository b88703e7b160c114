package dev.keel.serving.inference;

import dev.keel.core.KeelException;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.EndpointService;
import dev.keel.serving.endpoints.EndpointService.EndpointStatus;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.tables.Column;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inference-table life cycle of endpoints: an endpoint created with a table gets its table (and
 * its {@link PredictionTable}, when its models declare signatures) before the create is
 * acknowledged (or is deleted again), and each scoring request of an endpoint whose table is
 * enabled is handed to the {@link InferenceLogger}. Which endpoint logs where is cached per
 * endpoint (read from the endpoint store once). Thread-safe.
 */
public final class InferenceCapture {
  private final EndpointService endpoints;
  private final InferenceLogger logger;
  private final Map<String, Optional<InferenceTableConfig>> tables = new ConcurrentHashMap<>();

  /** Capture over these endpoints, logging through {@code logger}. */
  public InferenceCapture(EndpointService endpoints, InferenceLogger logger) {
    this.endpoints = endpoints;
    this.logger = logger;
  }

  /**
   * Creates an endpoint and, when {@code table} is enabled, its inference table; if the table
   * cannot be created the endpoint is deleted again and the failure thrown.
   */
  public EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> table) {
    return create(name, description, tags, config, table, EndpointService.PRINCIPAL);
  }

  /** As {@link #create(String, Optional, Map, EndpointConfig, Optional)}, by {@code creator}. */
  public EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> table,
      String creator) {
    EndpointStatus s = endpoints.create(name, description, tags, config, table, creator);
    if (table.isPresent() && table.get().enabled()) {
      try {
        logger.ensureTable(table.get(), predictionColumns(config));
      } catch (RuntimeException e) {
        endpoints.delete(name);
        throw e;
      }
    }
    tables.put(name, table);
    return s;
  }

  /**
   * Turns an existing endpoint's inference table on, off or to another table: the table (and its
   * predictions table, from the endpoint's pending or else active config) is created first when
   * {@code table} is enabled (nothing changes if that fails), then the endpoint stores it; requests
   * answered from then on are logged there. Rows already logged stay where they are.
   *
   * @throws KeelException NOT_FOUND for an unknown endpoint
   */
  public synchronized EndpointStatus setTable(String name, Optional<InferenceTableConfig> table) {
    EndpointStatus current = endpoints.get(name);
    if (table.isPresent() && table.get().enabled()) {
      Optional<EndpointConfig> config =
          current.endpoint().pendingConfig().or(() -> current.endpoint().config());
      logger.ensureTable(
          table.get(), config.isPresent() ? predictionColumns(config.get()) : Optional.empty());
    }
    EndpointStatus s = endpoints.setInferenceTable(name, table);
    tables.put(name, table);
    return s;
  }

  /** Creates {@code table} unless it exists, when it is enabled (before an endpoint uses it). */
  public void prepare(Optional<InferenceTableConfig> table) {
    if (table.isPresent() && table.get().enabled()) {
      logger.ensureTable(table.get());
    }
  }

  /**
   * Before {@code name} takes {@code config}: creates the predictions table of its enabled
   * inference table from {@code config}'s signatures unless it exists (a failure changes nothing
   * else). An existing predictions table keeps its columns.
   *
   * @throws KeelException NOT_FOUND for an unknown endpoint, or as {@link
   *     EndpointService#declaredSignatures}
   */
  public void prepareConfig(String name, EndpointConfig config) {
    Optional<InferenceTableConfig> t = endpoints.get(name).endpoint().inferenceTable();
    if (t.isPresent() && t.get().enabled()) {
      logger.ensureTable(t.get(), predictionColumns(config));
    }
  }

  /**
   * The columns of the predictions table for {@code config} ({@link PredictionTable#columns}),
   * empty when none of its served entities declares a signature with named column inputs.
   */
  public Optional<List<Column>> predictionColumns(EndpointConfig config) {
    return PredictionTable.columns(endpoints.declaredSignatures(config));
  }

  /** Deletes an endpoint (its inference table stays, as in Databricks). */
  public void delete(String name) {
    endpoints.delete(name);
    tables.remove(name);
  }

  /** The inference table of {@code endpoint}, if it has an enabled one. */
  public Optional<InferenceTableConfig> tableOf(String endpoint) {
    Optional<InferenceTableConfig> t = tables.get(endpoint);
    if (t == null) {
      try {
        t = endpoints.get(endpoint).endpoint().inferenceTable();
      } catch (KeelException e) {
        return Optional.empty(); // unknown endpoint: nothing to log, and nothing cached
      }
      Optional<InferenceTableConfig> raced = tables.putIfAbsent(endpoint, t);
      t = raced == null ? t : raced; // a concurrent setTable wins over what was read before it
    }
    return t.filter(InferenceTableConfig::enabled);
  }

  /** The writer behind the tables (for its counters). */
  public InferenceLogger logger() {
    return logger;
  }

  /** Queues one answered request for its table (see {@link #tableOf}). */
  public void log(InferenceLogger.Entry entry) {
    logger.log(entry);
  }
}
