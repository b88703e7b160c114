package dev.keel.serving.inference;

import dev.keel.core.KeelException;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.EndpointService;
import dev.keel.serving.endpoints.EndpointService.EndpointStatus;
import dev.keel.serving.endpoints.InferenceTableConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inference-table life cycle of endpoints: an endpoint created with a table gets its table
 * before the create is acknowledged (or is deleted again), and each scoring request of an endpoint
 * whose table is enabled is handed to the {@link InferenceLogger}. Which endpoint logs where is
 * cached per endpoint (read from the endpoint store once). Thread-safe.
 */
public final class InferenceCapture {
  private final EndpointService endpoints;
  private final InferenceLogger logger;
  private final Map<String, Optional<InferenceTableConfig>> tables = new ConcurrentHashMap<>();

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
    EndpointStatus s = endpoints.create(name, description, tags, config, table);
    if (table.isPresent() && table.get().enabled()) {
      try {
        logger.ensureTable(table.get());
      } catch (RuntimeException e) {
        endpoints.delete(name);
        throw e;
      }
    }
    tables.put(name, table);
    return s;
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
      tables.put(endpoint, t);
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
