package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks the fields of a task payload (JSON values); every error names {@code path.field}
 * and the reason.
 */
final class Payloads {
  private Payloads() {}

  /** Refuses fields the task type does not know, so a typo is not silently ignored. */
  static void onlyFields(Map<String, Object> payload, String path, Set<String> known) {
    for (String k : payload.keySet()) {
      if (!known.contains(k)) {
        throw KeelException.invalid(
            path
                + "."
                + k
                + ": unknown field; expected one of "
                + known.stream().sorted().toList());
      }
    }
  }

  /** A required non-blank string. */
  static String requiredString(Map<String, Object> payload, String path, String field) {
    return optionalString(payload, path, field)
        .orElseThrow(() -> KeelException.invalid(path + "." + field + ": is required"));
  }

  /** An optional string; blank counts as absent. */
  static Optional<String> optionalString(Map<String, Object> payload, String path, String field) {
    Object v = payload.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw KeelException.invalid(path + "." + field + ": must be a string");
    }
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  /** An optional array of strings; empty when absent. */
  static List<String> stringList(Map<String, Object> payload, String path, String field) {
    Object v = payload.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw KeelException.invalid(path + "." + field + ": must be an array of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw KeelException.invalid(path + "." + field + "[" + i + "]: must be a string");
      }
      out.add(s);
    }
    return out;
  }

  /**
   * An optional object of string values, keys matching {@code [A-Za-z0-9_.-]+}; empty when absent.
   */
  static Map<String, String> stringMap(Map<String, Object> payload, String path, String field) {
    Object v = payload.get(field);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw KeelException.invalid(path + "." + field + ": must be an object of string values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!key.matches("[A-Za-z0-9_.-]+")) {
        throw KeelException.invalid(
            path + "." + field + "." + key + ": a name is letters, digits, '_', '.' and '-'");
      }
      if (!(e.getValue() instanceof String s)) {
        throw KeelException.invalid(path + "." + field + "." + key + ": must be a string");
      }
      out.put(key, s);
    }
    return out;
  }
}
