package dev.keel.monitoring.alerts;

import dev.keel.core.KeelException;
import dev.keel.monitoring.alerts.AlertInput.WebhookInput;
import dev.keel.monitoring.alerts.AlertSpec.DriftType;
import dev.keel.monitoring.alerts.AlertSpec.Evaluation;
import dev.keel.monitoring.alerts.AlertSpec.MetricTable;
import dev.keel.monitoring.alerts.AlertSpec.RunJob;
import dev.keel.monitoring.alerts.AlertSpec.Webhook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a request's {@link AlertInput} into an {@link AlertSpec}: defaults on create, the saved
 * values on update, and every check (400 naming the field) against the monitor's facts.
 */
final class AlertRequests {
  static final int MAX_NAME = 255;
  static final int MAX_TEXT = 1000;
  static final int MAX_WEBHOOKS = 10;
  static final int MAX_SECRET = 1024;
  static final int MAX_JOB_PARAMETERS = 100;

  private AlertRequests() {}

  /**
   * Resolves {@code in}, on top of {@code current} for an update.
   *
   * @param facts the monitor of the alert's table
   */
  static AlertSpec resolve(
      AlertInput in, Optional<AlertSpec> current, MonitorFacts facts, boolean allowPrivate) {
    String name = pick(in.name(), current.map(AlertSpec::name), "name").strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw KeelException.invalid("name: must be 1 to " + MAX_NAME + " characters");
    }
    String metric = pick(in.metric(), current.map(AlertSpec::metric), "metric");
    MetricTable table = MetricNames.tableOf(metric, facts);
    String column =
        text("column_name", in.columnName().or(() -> current.map(AlertSpec::columnName)), ":table");
    Optional<String> sliceKey;
    Optional<String> sliceValue;
    if (in.sliceKey().isPresent() || in.sliceValue().isPresent() || current.isEmpty()) {
      sliceKey = in.sliceKey();
      sliceValue = in.sliceValue();
    } else {
      sliceKey = current.get().sliceKey();
      sliceValue = current.get().sliceValue();
    }
    if (sliceKey.isPresent() != sliceValue.isPresent()) {
      throw KeelException.invalid(
          (sliceKey.isPresent() ? "slice_value" : "slice_key")
              + ": slice_key and slice_value are given together (neither = the whole table)");
    }
    sliceKey.ifPresent(v -> text("slice_key", Optional.of(v), ""));
    sliceValue.ifPresent(v -> text("slice_value", Optional.of(v), ""));
    String modelId = text("model_id", in.modelId().or(() -> current.map(AlertSpec::modelId)), "*");
    Optional<String> granularity = granularity(in, current, facts);
    Optional<DriftType> driftType = driftType(in, current, facts, table);
    Op op = op(in.op().or(() -> current.map(s -> s.op().name())));
    double threshold;
    if (in.threshold().isPresent()) {
      threshold = in.threshold().getAsDouble();
    } else if (current.isPresent()) {
      threshold = current.get().threshold();
    } else {
      throw KeelException.missing("threshold");
    }
    if (!Double.isFinite(threshold)) {
      throw KeelException.invalid("threshold: must be a finite number");
    }
    int windows = in.windows().orElse(current.map(s -> s.evaluation().windows()).orElse(1));
    int violations =
        in.violations()
            .orElse(
                in.windows().isPresent() && current.isEmpty()
                    ? 1
                    : current.map(s -> s.evaluation().violations()).orElse(1));
    if (windows < 1 || windows > Evaluation.MAX_WINDOWS) {
      throw KeelException.invalid(
          "evaluation.windows: must be 1 to " + Evaluation.MAX_WINDOWS + ", got " + windows);
    }
    if (violations < 1 || violations > windows) {
      throw KeelException.invalid(
          "evaluation.violations: must be 1 to evaluation.windows ("
              + windows
              + "), got "
              + violations);
    }
    List<Webhook> hooks =
        in.webhooks().isPresent()
            ? webhooks(
                in.webhooks().get(),
                current.map(AlertSpec::webhooks).orElse(List.of()),
                allowPrivate)
            : current.map(AlertSpec::webhooks).orElse(List.of());
    Optional<RunJob> runJob =
        in.removeRunJob()
            ? Optional.empty()
            : in.runJob().or(() -> current.flatMap(AlertSpec::runJob));
    runJob.ifPresent(AlertRequests::checkRunJob);
    return new AlertSpec(
        name,
        facts.tableName(),
        metric,
        table,
        column,
        sliceKey,
        sliceValue,
        modelId,
        granularity,
        driftType,
        op,
        threshold,
        new Evaluation(violations, windows),
        hooks,
        runJob);
  }

  private static String pick(Optional<String> given, Optional<String> current, String field) {
    return given.or(() -> current).orElseThrow(() -> KeelException.missing(field));
  }

  private static String text(String field, Optional<String> v, String dflt) {
    String s = v.orElse(dflt);
    if (s.isEmpty() || s.length() > MAX_TEXT) {
      throw KeelException.invalid(field + ": must be 1 to " + MAX_TEXT + " characters");
    }
    return s;
  }

  private static Optional<String> granularity(
      AlertInput in, Optional<AlertSpec> current, MonitorFacts facts) {
    if (in.granularity().isPresent()) {
      String g = in.granularity().get();
      if (facts.granularities().isEmpty()) {
        throw KeelException.invalid(
            "granularity: the monitor of "
                + facts.tableName()
                + " has no granularities (snapshot)");
      }
      for (String known : facts.granularities()) {
        if (known.equalsIgnoreCase(g.strip())) {
          return Optional.of(known);
        }
      }
      throw KeelException.invalid(
          "granularity: '"
              + g
              + "' is not one of the monitor's: "
              + String.join(", ", facts.granularities()));
    }
    Optional<String> kept =
        current.flatMap(AlertSpec::granularity).filter(facts.granularities()::contains);
    return kept.isPresent() ? kept : facts.granularities().stream().findFirst();
  }

  private static Optional<DriftType> driftType(
      AlertInput in, Optional<AlertSpec> current, MonitorFacts facts, MetricTable table) {
    if (table == MetricTable.PROFILE) {
      if (in.driftType().isPresent()) {
        throw KeelException.invalid("drift_type: only drift metrics have a drift type");
      }
      return Optional.empty();
    }
    DriftType t;
    if (in.driftType().isPresent()) {
      try {
        t = DriftType.valueOf(in.driftType().get());
      } catch (IllegalArgumentException e) {
        throw KeelException.invalid(
            "drift_type: '" + in.driftType().get() + "' is not BASELINE or CONSECUTIVE");
      }
    } else {
      t =
          current
              .flatMap(AlertSpec::driftType)
              .orElse(facts.hasBaseline() ? DriftType.BASELINE : DriftType.CONSECUTIVE);
    }
    if (t == DriftType.BASELINE && !facts.hasBaseline()) {
      throw KeelException.invalid(
          "drift_type: the monitor of "
              + facts.tableName()
              + " has no baseline table; use CONSECUTIVE");
    }
    return Optional.of(t);
  }

  private static Op op(Optional<String> given) {
    String s = given.orElseThrow(() -> KeelException.missing("op"));
    try {
      return Op.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          "op: '"
              + s
              + "' is not one of "
              + Arrays.stream(Op.values()).map(Op::name).collect(Collectors.joining(", ")));
    }
  }

  private static List<Webhook> webhooks(
      List<WebhookInput> given, List<Webhook> current, boolean allowPrivate) {
    if (given.size() > MAX_WEBHOOKS) {
      throw KeelException.invalid(
          "notifications.webhooks: at most " + MAX_WEBHOOKS + " webhooks, got " + given.size());
    }
    List<Webhook> out = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      WebhookInput w = given.get(i);
      String field = "notifications.webhooks[" + i + "]";
      WebhookUrls.check(field + ".url", w.url(), allowPrivate);
      Optional<String> secret = w.secret();
      if (secret.isPresent() && (secret.get().isEmpty() || secret.get().length() > MAX_SECRET)) {
        throw KeelException.invalid(field + ".secret: must be 1 to " + MAX_SECRET + " characters");
      }
      if (secret.isEmpty()) {
        secret =
            current.stream()
                .filter(c -> c.url().equals(w.url()))
                .findFirst()
                .flatMap(Webhook::secret);
      }
      out.add(new Webhook(w.url(), secret));
    }
    return out;
  }

  private static void checkRunJob(RunJob r) {
    if (r.jobId() <= 0) {
      throw KeelException.invalid("run_job.job_id: must be a positive job id");
    }
    if (r.jobParameters().size() > MAX_JOB_PARAMETERS) {
      throw KeelException.invalid(
          "run_job.job_parameters: at most " + MAX_JOB_PARAMETERS + " parameters");
    }
    for (Map.Entry<String, String> e : r.jobParameters().entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || e.getValue().length() > MAX_TEXT) {
        throw KeelException.invalid(
            "run_job.job_parameters: names are 1 to 255 characters, values at most " + MAX_TEXT);
      }
    }
  }
}
