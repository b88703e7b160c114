package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelJson;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags of {@code keel alerts create} and {@code update}, named after the alert's JSON fields.
 * They build the request body: the whole alert on create, only the fields given on update (a {@code
 * PATCH}).
 */
final class AlertOptions {
  @Option(names = "--name", paramLabel = "NAME", description = "The alert's name.")
  String name;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "The monitored table, catalog.schema.table.")
  String table;

  @Option(
      names = "--metric",
      paramLabel = "METRIC",
      description =
          "A metric table column: js_distance, ks_test.pvalue, population_stability_index,"
              + " percent_null, accuracy_score, ...")
  String metric;

  @Option(
      names = "--column",
      paramLabel = "COL",
      description = "The column the metric is about (default: :table).")
  String column;

  @Option(names = "--slice-key", paramLabel = "KEY", description = "A slice's key.")
  String sliceKey;

  @Option(names = "--slice-value", paramLabel = "VALUE", description = "That slice's value.")
  String sliceValue;

  @Option(
      names = "--model-id",
      paramLabel = "ID",
      description = "An inference log's model id (default: * = all).")
  String modelId;

  @Option(
      names = "--granularity",
      paramLabel = "WINDOW",
      description = "The windows' granularity (default: the monitor's first).")
  String granularity;

  @Option(
      names = "--drift-type",
      paramLabel = "TYPE",
      description = "BASELINE or CONSECUTIVE, for drift metrics.")
  String driftType;

  @Option(
      names = "--op",
      paramLabel = "OP",
      description =
          "GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, EQUAL or"
              + " NOT_EQUAL.")
  String op;

  @Option(
      names = "--threshold",
      paramLabel = "NUMBER",
      description = "What the metric is compared with.")
  Double threshold;

  @Option(
      names = "--for",
      paramLabel = "N",
      description =
          "Fire when N of the latest M windows violate (default 1), the latest among them.")
  Integer violations;

  @Option(names = "--of", paramLabel = "M", description = "The M of --for (default: N).")
  Integer windows;

  @Option(
      names = "--webhook",
      paramLabel = "URL",
      description = "POST each firing to this URL (repeatable; on update: replaces them all).")
  List<String> webhooks;

  @Option(
      names = "--webhook-secret",
      paramLabel = "SECRET",
      description = "Sign the deliveries of the --webhook in the same position (repeatable).")
  List<String> secrets;

  @Option(names = "--no-webhooks", description = "update: remove every webhook.")
  boolean noWebhooks;

  @Option(names = "--run-job", paramLabel = "JOB_ID", description = "Run this job when it fires.")
  Long runJob;

  @Option(
      names = "--job-param",
      paramLabel = "KEY=VALUE",
      description = "A job parameter for --run-job (repeatable).")
  LinkedHashMap<String, String> jobParams;

  @Option(names = "--no-run-job", description = "update: stop running a job.")
  boolean noRunJob;

  /** The body of a create: every required field must be given. */
  ObjectNode create() {
    require(name, "--name");
    require(table, "--table");
    require(metric, "--metric");
    require(op, "--op");
    require(threshold, "--threshold");
    if (noWebhooks || noRunJob) {
      throw new IllegalArgumentException("--no-webhooks and --no-run-job are for update");
    }
    return body();
  }

  private static void require(Object v, String flag) {
    if (v == null) {
      throw new IllegalArgumentException(flag + " is required (or give the whole alert as --json)");
    }
  }

  /** Whether any flag that makes the body was given. */
  boolean any() {
    return !body().isEmpty();
  }

  /** The fields given, as a {@code PATCH} body. */
  ObjectNode update() {
    ObjectNode b = body();
    if (b.isEmpty()) {
      throw new IllegalArgumentException("nothing to change: give a flag or --json");
    }
    return b;
  }

  private ObjectNode body() {
    ObjectNode o = KeelJson.object();
    put(o, "name", name);
    put(o, "table_name", table);
    put(o, "metric", metric);
    put(o, "column_name", column);
    put(o, "slice_key", sliceKey);
    put(o, "slice_value", sliceValue);
    put(o, "model_id", modelId);
    put(o, "granularity", granularity);
    put(o, "drift_type", driftType);
    put(o, "op", op);
    if (threshold != null) {
      o.put("threshold", threshold);
    }
    if (violations != null || windows != null) {
      if (violations == null) {
        throw new IllegalArgumentException("--of needs --for");
      }
      o.putObject("evaluation")
          .put("violations", violations)
          .put("windows", windows == null ? violations : windows);
    }
    webhooks(o);
    if (runJob != null && noRunJob) {
      throw new IllegalArgumentException("--run-job and --no-run-job cannot be combined");
    }
    if (runJob != null) {
      ObjectNode j = o.putObject("run_job").put("job_id", runJob);
      ObjectNode p = j.putObject("job_parameters");
      if (jobParams != null) {
        jobParams.forEach(p::put);
      }
    } else if (jobParams != null) {
      throw new IllegalArgumentException("--job-param needs --run-job");
    } else if (noRunJob) {
      o.set("run_job", NullNode.getInstance());
    }
    return o;
  }

  private void webhooks(ObjectNode o) {
    if (webhooks != null && noWebhooks) {
      throw new IllegalArgumentException("--webhook and --no-webhooks cannot be combined");
    }
    int urls = webhooks == null ? 0 : webhooks.size();
    if (secrets != null && secrets.size() > urls) {
      throw new IllegalArgumentException(
          "--webhook-secret: "
              + secrets.size()
              + " secrets for "
              + urls
              + " webhooks (each secret goes with the --webhook in its position)");
    }
    if (webhooks == null && !noWebhooks) {
      return;
    }
    ArrayNode hooks = o.putObject("notifications").putArray("webhooks");
    for (int i = 0; i < urls; i++) {
      ObjectNode h = hooks.addObject().put("url", webhooks.get(i));
      if (secrets != null && i < secrets.size()) {
        h.put("secret", secrets.get(i));
      }
    }
  }

  private static void put(ObjectNode o, String field, String v) {
    if (v != null) {
      o.put(field, v);
    }
  }
}
