package dev.keel.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --key=value} options of the bench command line; unknown keys are an error. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> used = new HashSet<>();

  Args(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --key=value, got " + a);
      }
      int eq = a.indexOf('=');
      if (eq < 0) {
        values.put(a.substring(2), "true");
      } else {
        values.put(a.substring(2, eq), a.substring(eq + 1));
      }
    }
  }

  String string(String key, String dflt) {
    used.add(key);
    return values.getOrDefault(key, dflt);
  }

  int integer(String key, int dflt) {
    return Integer.parseInt(string(key, Integer.toString(dflt)));
  }

  boolean flag(String key) {
    return Boolean.parseBoolean(string(key, "false"));
  }

  Duration seconds(String key, int dflt) {
    return Duration.ofMillis(Math.round(Double.parseDouble(string(key, dflt + "")) * 1000));
  }

  /** Fails on options no benchmark asked for (typos). */
  void checkAllUsed() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option(s): " + unknown);
    }
  }
}
