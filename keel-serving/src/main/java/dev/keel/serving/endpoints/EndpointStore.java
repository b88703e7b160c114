package dev.keel.serving.endpoints;

import java.util.List;
import java.util.Optional;

/** Where serving endpoints are kept. Implementations are thread-safe. */
public interface EndpointStore {

  /**
   * Adds an endpoint.
   *
   * @throws dev.keel.core.KeelException ALREADY_EXISTS if the name is taken
   */
  void insert(ServingEndpoint endpoint);

  /** The endpoint with this name, if any. */
  Optional<ServingEndpoint> get(String name);

  /** The endpoint whose id is {@code id}. */
  Optional<ServingEndpoint> getById(String id);

  /** Every endpoint, by name. */
  List<ServingEndpoint> list();

  /** Replaces the stored endpoint with the same name; false if there is none. */
  boolean update(ServingEndpoint endpoint);

  /** Removes an endpoint; false if there was none. */
  boolean delete(String name);
}
