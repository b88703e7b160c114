package dev.keel.serving.endpoints;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A serving endpoint as stored.
 *
 * @param id a random id
 * @param name the endpoint's unique name
 * @param description free text, when set
 * @param tags string key-value pairs
 * @param config the active config, once an update has succeeded
 * @param configVersion the version of the active config (0 before the first)
 * @param pendingConfig the config being loaded, while an update runs
 * @param configUpdate the update state
 * @param updateMessage why the last update failed, when it did
 * @param inferenceTable the inference table settings, when set
 * @param createdAt ms since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt ms since the epoch of the last change
 */
public record ServingEndpoint(
    String id,
    String name,
    Optional<String> description,
    Map<String, String> tags,
    Optional<EndpointConfig> config,
    long configVersion,
    Optional<EndpointConfig> pendingConfig,
    ConfigUpdateState configUpdate,
    Optional<String> updateMessage,
    Optional<InferenceTableConfig> inferenceTable,
    long createdAt,
    String createdBy,
    long updatedAt) {

  /** Checks for nulls and copies the tags. */
  public ServingEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(pendingConfig, "pendingConfig");
    Objects.requireNonNull(configUpdate, "configUpdate");
    Objects.requireNonNull(updateMessage, "updateMessage");
    Objects.requireNonNull(inferenceTable, "inferenceTable");
    Objects.requireNonNull(createdBy, "createdBy");
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  /** A copy with an update started: {@code pending} loading, IN_PROGRESS. */
  public ServingEndpoint updating(EndpointConfig pending, long now) {
    return new ServingEndpoint(
        id,
        name,
        description,
        tags,
        config,
        configVersion,
        Optional.of(pending),
        ConfigUpdateState.IN_PROGRESS,
        Optional.empty(),
        inferenceTable,
        createdAt,
        createdBy,
        now);
  }

  /** A copy with {@code active} serving as config version {@code version}, NOT_UPDATING. */
  public ServingEndpoint activated(EndpointConfig active, long version, long now) {
    return new ServingEndpoint(
        id,
        name,
        description,
        tags,
        Optional.of(active),
        version,
        Optional.empty(),
        ConfigUpdateState.NOT_UPDATING,
        Optional.empty(),
        inferenceTable,
        createdAt,
        createdBy,
        now);
  }

  /** A copy with the update failed for {@code reason}; the active config is unchanged. */
  public ServingEndpoint failed(String reason, long now) {
    return new ServingEndpoint(
        id,
        name,
        description,
        tags,
        config,
        configVersion,
        Optional.empty(),
        ConfigUpdateState.UPDATE_FAILED,
        Optional.of(reason),
        inferenceTable,
        createdAt,
        createdBy,
        now);
  }

  /** A copy logging to {@code table} (none when empty); config and update state unchanged. */
  public ServingEndpoint withInferenceTable(Optional<InferenceTableConfig> table, long now) {
    return new ServingEndpoint(
        id,
        name,
        description,
        tags,
        config,
        configVersion,
        pendingConfig,
        configUpdate,
        updateMessage,
        table,
        createdAt,
        createdBy,
        now);
  }
}
