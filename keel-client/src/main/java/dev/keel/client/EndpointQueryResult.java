package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The answer to a scoring request.
 *
 * @param servedEntity the served entity that answered (the {@code served-model-name} header)
 * @param response the response body, such as {@code {"predictions": [...]}}
 */
public record EndpointQueryResult(String servedEntity, JsonNode response) {
  /** Checks for nulls. */
  public EndpointQueryResult {
    Objects.requireNonNull(servedEntity, "servedEntity");
    Objects.requireNonNull(response, "response");
  }
}
