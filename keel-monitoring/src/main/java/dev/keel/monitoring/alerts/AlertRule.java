package dev.keel.monitoring.alerts;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.alerts.AlertSpec.Evaluation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rule of an alert (mlops-stacks' retraining rule): the alert is violated when at least {@code
 * N} of the latest {@code M} windows violate <em>and</em> the latest window violates. The latest
 * {@code M} windows are the {@code M} consecutive windows of the granularity that end with the
 * latest window present in the metric table; a window with no row, or whose metric is NULL or NaN,
 * does not violate. For a snapshot monitor (no granularity) they are the latest {@code M} rows.
 */
public final class AlertRule {
  private AlertRule() {}

  /**
   * The outcome of a rule over some windows.
   *
   * @param state TRIGGERED when violated, OK when not, UNKNOWN when there was no window at all
   * @param windows the windows looked at, oldest first (the last one is the latest)
   * @param violating how many of them violate
   */
  public record Verdict(AlertState state, List<WindowValue> windows, int violating) {
    public Verdict {
      windows = List.copyOf(windows);
    }

    /** The latest window; only when {@link #windows} is not empty. */
    public WindowValue latest() {
      return windows.get(windows.size() - 1);
    }
  }

  /**
   * The latest {@code windows} windows from the rows read (any order; rows sharing a start keep the
   * first), oldest first, with missing windows of the granularity filled with empty values.
   */
  public static List<WindowValue> latestWindows(
      List<WindowValue> rows, Optional<Granularity> granularity, int windows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<Long, WindowValue> byStart = new HashMap<>();
    for (WindowValue r : rows) {
      byStart.putIfAbsent(r.startMs(), r);
    }
    List<WindowValue> sorted = new ArrayList<>(byStart.values());
    sorted.sort(Comparator.comparingLong(WindowValue::startMs));
    if (granularity.isEmpty()) {
      return List.copyOf(sorted.subList(Math.max(0, sorted.size() - windows), sorted.size()));
    }
    Granularity g = granularity.get();
    List<WindowValue> out = new ArrayList<>();
    long start = sorted.get(sorted.size() - 1).startMs();
    for (int i = 0; i < windows; i++) {
      WindowValue present = byStart.get(start);
      out.add(
          present != null
              ? present
              : new WindowValue(
                  start,
                  g.windowEnd(Instant.ofEpochMilli(start)).toEpochMilli(),
                  OptionalDouble.empty()));
      start = g.windowStart(Instant.ofEpochMilli(start - 1)).toEpochMilli();
    }
    return List.copyOf(out.reversed());
  }

  /** Applies the rule to {@code windows} (oldest first, as {@link #latestWindows} gives them). */
  public static Verdict judge(List<WindowValue> windows, Op op, double threshold, Evaluation e) {
    if (windows.isEmpty()) {
      return new Verdict(AlertState.UNKNOWN, windows, 0);
    }
    int violating = 0;
    for (WindowValue w : windows) {
      if (violates(w, op, threshold)) {
        violating++;
      }
    }
    boolean latest = violates(windows.get(windows.size() - 1), op, threshold);
    AlertState state = latest && violating >= e.violations() ? AlertState.TRIGGERED : AlertState.OK;
    return new Verdict(state, windows, violating);
  }

  private static boolean violates(WindowValue w, Op op, double threshold) {
    return w.value().isPresent() && op.violates(w.value().getAsDouble(), threshold);
  }
}
