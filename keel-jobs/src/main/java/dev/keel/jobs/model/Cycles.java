package dev.keel.jobs.model;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds a cycle in a job's {@code depends_on} graph and names it. */
final class Cycles {
  private Cycles() {}

  /** Throws 400 naming the first cycle found ({@code a -> b -> a}); does nothing without one. */
  static void check(List<TaskSpec> tasks) {
    Map<String, TaskSpec> byKey = new HashMap<>();
    tasks.forEach(t -> byKey.put(t.taskKey(), t));
    Map<String, Integer> mark = new HashMap<>(); // 1 on the path, 2 done
    for (TaskSpec t : tasks) {
      List<String> path = new ArrayList<>();
      List<String> cycle = visit(t.taskKey(), byKey, mark, path);
      if (cycle != null) {
        throw KeelException.invalid(
            "Invalid 'tasks': depends_on has a cycle: " + String.join(" -> ", cycle) + ".");
      }
    }
  }

  // Iterative enough for 1,000 tasks: recursion depth is at most the longest chain.
  private static List<String> visit(
      String key, Map<String, TaskSpec> byKey, Map<String, Integer> mark, List<String> path) {
    Integer m = mark.get(key);
    if (m != null && m == 2) {
      return null;
    }
    if (m != null && m == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(key), path.size()));
      cycle.add(key);
      return cycle;
    }
    mark.put(key, 1);
    path.add(key);
    for (TaskSpec.Dependency d : byKey.get(key).dependsOn()) {
      List<String> c = visit(d.taskKey(), byKey, mark, path);
      if (c != null) {
        return c;
      }
    }
    path.remove(path.size() - 1);
    mark.put(key, 2);
    return null;
  }
}
