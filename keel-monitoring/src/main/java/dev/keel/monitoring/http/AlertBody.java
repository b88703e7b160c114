package dev.keel.monitoring.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.monitoring.alerts.AlertInput;
import dev.keel.monitoring.alerts.AlertInput.WebhookInput;
import dev.keel.monitoring.alerts.AlertSpec.RunJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads an alert request body into an {@link AlertInput}: shapes only (types, unknown fields), each
 * error a 400 naming the field with its path ({@code notifications.webhooks[0].url}).
 */
final class AlertBody {
  static final Set<String> FIELDS =
      Set.of(
          "name",
          "table_name",
          "metric",
          "column_name",
          "slice_key",
          "slice_value",
          "model_id",
          "granularity",
          "drift_type",
          "op",
          "threshold",
          "evaluation",
          "notifications",
          "run_job");

  private AlertBody() {}

  static AlertInput read(ObjectNode body) {
    only(body, "", FIELDS);
    Optional<ObjectNode> evaluation = object(body, "evaluation", "evaluation");
    evaluation.ifPresent(e -> only(e, "evaluation.", Set.of("violations", "windows")));
    Optional<List<WebhookInput>> hooks = Optional.empty();
    Optional<ObjectNode> notifications = object(body, "notifications", "notifications");
    if (notifications.isPresent()) {
      only(notifications.get(), "notifications.", Set.of("webhooks"));
      JsonNode list = notifications.get().get("webhooks");
      List<WebhookInput> out = new ArrayList<>();
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw KeelException.invalid("notifications.webhooks: must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
          String field = "notifications.webhooks[" + i + "]";
          JsonNode w = list.get(i);
          if (!w.isObject()) {
            throw KeelException.invalid(field + ": must be an object {url, secret}");
          }
          only((ObjectNode) w, field + ".", Set.of("url", "secret"));
          String url =
              text((ObjectNode) w, "url", field + ".url")
                  .orElseThrow(() -> KeelException.invalid(field + ".url: is required"));
          out.add(new WebhookInput(url, text((ObjectNode) w, "secret", field + ".secret")));
        }
      }
      hooks = Optional.of(out);
    }
    boolean removeRunJob = body.has("run_job") && body.get("run_job").isNull();
    Optional<RunJob> runJob = Optional.empty();
    Optional<ObjectNode> run = object(body, "run_job", "run_job");
    if (run.isPresent()) {
      only(run.get(), "run_job.", Set.of("job_id", "job_parameters"));
      JsonNode id = run.get().get("job_id");
      long jobId;
      if (id != null && id.isIntegralNumber() && id.canConvertToLong()) {
        jobId = id.asLong();
      } else if (id != null && id.isTextual() && id.asText().matches("\\d{1,18}")) {
        jobId = Long.parseLong(id.asText());
      } else {
        throw KeelException.invalid("run_job.job_id: is required, an integer job id");
      }
      Map<String, String> params = new LinkedHashMap<>();
      Optional<ObjectNode> p = object(run.get(), "job_parameters", "run_job.job_parameters");
      if (p.isPresent()) {
        for (Map.Entry<String, JsonNode> e : p.get().properties()) {
          if (!e.getValue().isValueNode() || e.getValue().isNull()) {
            throw KeelException.invalid(
                "run_job.job_parameters." + e.getKey() + ": must be a string");
          }
          params.put(e.getKey(), e.getValue().asText());
        }
      }
      runJob = Optional.of(new RunJob(jobId, params));
    }
    return new AlertInput(
        text(body, "name", "name"),
        text(body, "table_name", "table_name"),
        text(body, "metric", "metric"),
        text(body, "column_name", "column_name"),
        text(body, "slice_key", "slice_key"),
        text(body, "slice_value", "slice_value"),
        text(body, "model_id", "model_id"),
        text(body, "granularity", "granularity"),
        text(body, "drift_type", "drift_type"),
        text(body, "op", "op"),
        number(body, "threshold"),
        evaluation
            .map(e -> integer(e, "violations", "evaluation.violations"))
            .orElse(OptionalInt.empty()),
        evaluation
            .map(e -> integer(e, "windows", "evaluation.windows"))
            .orElse(OptionalInt.empty()),
        hooks,
        runJob,
        removeRunJob);
  }

  private static void only(ObjectNode n, String prefix, Set<String> accepted) {
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!accepted.contains(e.getKey())) {
        String k = e.getKey().length() > 80 ? e.getKey().substring(0, 80) + "..." : e.getKey();
        throw KeelException.invalid(
            prefix
                + k
                + ": unknown field; accepted: "
                + String.join(", ", new java.util.TreeSet<>(accepted)));
      }
    }
  }

  private static Optional<ObjectNode> object(ObjectNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw KeelException.invalid(field + ": must be an object");
    }
    return Optional.of((ObjectNode) v);
  }

  private static Optional<String> text(ObjectNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw KeelException.invalid(field + ": must be a string");
    }
    return Optional.of(v.asText());
  }

  private static OptionalDouble number(ObjectNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return OptionalDouble.empty();
    }
    if (v.isNumber()) {
      return OptionalDouble.of(v.asDouble());
    }
    if (v.isTextual()) {
      try {
        return OptionalDouble.of(Double.parseDouble(v.asText().strip()));
      } catch (NumberFormatException e) {
        // below
      }
    }
    throw KeelException.invalid(field + ": must be a number");
  }

  private static OptionalInt integer(ObjectNode n, String key, String field) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return OptionalInt.empty();
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return OptionalInt.of(v.asInt());
    }
    throw KeelException.invalid(field + ": must be an integer");
  }
}
