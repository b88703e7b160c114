package dev.keel.client;

import java.util.Objects;

/**
 * A key/value tag on an experiment, a run or a dataset input.
 *
 * @param key tag key
 * @param value tag value
 */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
