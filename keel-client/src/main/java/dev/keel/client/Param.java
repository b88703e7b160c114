package dev.keel.client;

import java.util.Objects;

/**
 * A run parameter. Parameters are write-once: logging the same key again with another value is an
 * {@code INVALID_PARAMETER_VALUE} error.
 *
 * @param key parameter name
 * @param value parameter value
 */
public record Param(String key, String value) {
  public Param {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
