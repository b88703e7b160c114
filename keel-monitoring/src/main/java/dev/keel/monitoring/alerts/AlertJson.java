package dev.keel.monitoring.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.monitoring.alerts.AlertSpec.Webhook;
import java.util.List;
import java.util.TreeMap;

/**
 * The JSON of alerts and firings, as the API answers and webhooks receive them (snake_case, times
 * in epoch milliseconds). Webhook secrets are never written: a webhook shows {@code has_secret}.
 */
public final class AlertJson {
  private AlertJson() {}

  /** An alert. */
  public static ObjectNode alert(Alert a) {
    AlertSpec s = a.spec();
    ObjectNode n = SpecCodec.MAPPER.createObjectNode();
    n.put("alert_id", a.alertId());
    n.put("name", s.name());
    n.put("table_name", s.tableName());
    n.put("metric", s.metric());
    n.put("metric_table", s.table().name().toLowerCase(java.util.Locale.ROOT));
    n.put("column_name", s.columnName());
    s.sliceKey().ifPresent(v -> n.put("slice_key", v));
    s.sliceValue().ifPresent(v -> n.put("slice_value", v));
    n.put("model_id", s.modelId());
    s.granularity().ifPresent(v -> n.put("granularity", v));
    s.driftType().ifPresent(v -> n.put("drift_type", v.name()));
    n.put("op", s.op().name());
    n.put("threshold", s.threshold());
    n.putObject("evaluation")
        .put("violations", s.evaluation().violations())
        .put("windows", s.evaluation().windows());
    ArrayNode hooks = n.putObject("notifications").putArray("webhooks");
    for (Webhook w : s.webhooks()) {
      hooks.addObject().put("url", w.url()).put("has_secret", w.secret().isPresent());
    }
    s.runJob()
        .ifPresent(
            r -> {
              ObjectNode j = n.putObject("run_job").put("job_id", r.jobId());
              ObjectNode p = j.putObject("job_parameters");
              new TreeMap<>(r.jobParameters()).forEach(p::put);
            });
    n.put("state", a.state().name());
    a.lastEvaluatedMs().ifPresent(v -> n.put("last_evaluated_ms", v));
    a.lastError().ifPresent(v -> n.put("last_error", v));
    n.put("created_by", a.createdBy());
    n.put("created_at_ms", a.createdAtMs());
    n.put("updated_at_ms", a.updatedAtMs());
    return n;
  }

  /** A firing with its job action and deliveries. */
  public static ObjectNode firing(Firing f) {
    ObjectNode n = SpecCodec.MAPPER.createObjectNode();
    n.put("firing_id", f.firingId());
    n.put("alert_id", f.alertId());
    n.put("fired_at_ms", f.firedAtMs());
    n.put("refresh_id", f.refreshId());
    n.set("window", window(f.latest()));
    value(n, f.latest());
    n.set("values", values(f.values()));
    f.job()
        .ifPresent(
            j -> {
              j.runId().ifPresent(r -> n.put("job_run_id", r));
              ObjectNode o =
                  n.putObject("job").put("job_id", j.jobId()).put("state", j.state().name());
              j.runId().ifPresent(r -> o.put("run_id", r));
              o.put("attempts", j.attempts());
              j.lastError().ifPresent(e -> o.put("last_error", e));
            });
    ArrayNode ds = n.putArray("deliveries");
    for (Delivery d : f.deliveries()) {
      ObjectNode o = ds.addObject();
      o.put("delivery_id", d.deliveryId());
      o.put("url", d.url());
      o.put("state", d.state().name());
      o.put("attempts", d.attempts());
      d.lastStatus().ifPresent(v -> o.put("last_status", v));
      d.lastError().ifPresent(v -> o.put("last_error", v));
    }
    return n;
  }

  /** The windows a rule looked at: {@code [{window: {start, end}, value}]}, oldest first. */
  public static ArrayNode values(List<WindowValue> values) {
    ArrayNode a = SpecCodec.MAPPER.createArrayNode();
    for (WindowValue v : values) {
      ObjectNode o = a.addObject();
      o.set("window", window(v));
      value(o, v);
    }
    return a;
  }

  /** The body posted to webhooks: {@code {alert, firing, values}}. */
  static String webhookBody(Alert a, Firing f) {
    ObjectNode firing = firing(f);
    firing.remove("deliveries");
    firing.remove("job");
    firing.remove("job_run_id");
    ObjectNode n = SpecCodec.MAPPER.createObjectNode();
    n.put("event", "alert.triggered");
    n.set("alert", alert(a));
    n.set("firing", firing);
    n.set("values", values(f.values()));
    return n.toString();
  }

  private static ObjectNode window(WindowValue v) {
    return SpecCodec.MAPPER.createObjectNode().put("start", v.startMs()).put("end", v.endMs());
  }

  private static void value(ObjectNode n, WindowValue v) {
    if (v.value().isPresent()) {
      n.put("value", v.value().getAsDouble());
    } else {
      n.putNull("value");
    }
  }
}
