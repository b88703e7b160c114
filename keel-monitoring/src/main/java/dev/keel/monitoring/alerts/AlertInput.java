package dev.keel.monitoring.alerts;

import dev.keel.monitoring.alerts.AlertSpec.RunJob;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The fields of a create or update request as given (shapes already checked, values not yet):
 * absent fields take their defaults on create and keep their values on update. {@link AlertService}
 * resolves and validates them against the monitor.
 *
 * @param removeRunJob on update: {@code "run_job": null} removes the job action
 */
public record AlertInput(
    Optional<String> name,
    Optional<String> tableName,
    Optional<String> metric,
    Optional<String> columnName,
    Optional<String> sliceKey,
    Optional<String> sliceValue,
    Optional<String> modelId,
    Optional<String> granularity,
    Optional<String> driftType,
    Optional<String> op,
    OptionalDouble threshold,
    OptionalInt violations,
    OptionalInt windows,
    Optional<List<WebhookInput>> webhooks,
    Optional<RunJob> runJob,
    boolean removeRunJob) {

  /**
   * A webhook as given.
   *
   * @param url its URL
   * @param secret its secret; on update, absent keeps the secret already saved for the same URL
   */
  public record WebhookInput(String url, Optional<String> secret) {}
}
