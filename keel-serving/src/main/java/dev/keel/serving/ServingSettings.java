package dev.keel.serving;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.util.List;

/** Model serving's settings: the inference-table writer's bounds. */
public final class ServingSettings {
  private ServingSettings() {}

  /**
   * Scoring requests waiting to be written to inference tables; past it new ones are dropped and
   * counted ({@code keel_inference_log_dropped_total}), so logging never slows scoring.
   */
  public static final Setting<Integer> INFERENCE_LOG_QUEUE =
      Setting.integer(
          "serving.inference-log.queue",
          "Inference-log records held in memory before new ones are dropped (and counted)",
          50_000,
          100,
          10_000_000);

  /** Records per inference-table commit. */
  public static final Setting<Integer> INFERENCE_LOG_BATCH_ROWS =
      Setting.integer(
          "serving.inference-log.batch-rows",
          "Inference-log records per table commit",
          10_000,
          1,
          1_000_000);

  /** Longest time between inference-table commits, in milliseconds. */
  public static final Setting<Integer> INFERENCE_LOG_FLUSH_MILLIS =
      Setting.integer(
          "serving.inference-log.flush-ms",
          "Longest time, in ms, before logged requests are committed to the inference table",
          10_000,
          10,
          3_600_000);

  /** Every serving setting. */
  public static final ConfigSection SECTION =
      new ConfigSection(
          "serving",
          List.of(INFERENCE_LOG_QUEUE, INFERENCE_LOG_BATCH_ROWS, INFERENCE_LOG_FLUSH_MILLIS));
}
