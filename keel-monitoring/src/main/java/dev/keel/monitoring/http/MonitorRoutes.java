package dev.keel.monitoring.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.TABLE;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Routes;
import dev.keel.monitoring.MonitorInfo;
import dev.keel.monitoring.MonitorRefresh;
import dev.keel.monitoring.MonitorService;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.MonitorSpecJson;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Databricks Lakehouse Monitoring's monitor API (the SDK's {@code qualityMonitors()}) under {@code
 * /api/2.1/unity-catalog/tables/{table_name}/monitor}: create, get, update (full), delete, and
 * refreshes (run, list, get, cancel). Reading needs READ on the table; changing it, MANAGE; a
 * create or update also needs CREATE on the two output tables it writes and READ on the baseline
 * and label tables. Errors use Unity Catalog's codes.
 */
public final class MonitorRoutes implements ApiModule {
  static final String BASE = "/api/2.1/unity-catalog/tables/{table_name}/monitor";

  private final MonitorService monitors;

  /** Routes over this service. */
  public MonitorRoutes(MonitorService monitors) {
    this.monitors = monitors;
  }

  @Override
  public void routes(Routes r) {
    r.dialect("/api/2.1/unity-catalog", Dialect.UNITY_CATALOG);
    Access.Resource table = ctx -> table(ctx);
    Access read = Access.of(TABLE, READ).on(table);
    Access manage = Access.of(TABLE, MANAGE).on(table);
    r.add(POST, BASE, manage, this::create);
    r.add(GET, BASE, read, this::get);
    r.add(PUT, BASE, manage, this::update);
    r.add(DELETE, BASE, manage, this::delete);
    r.add(POST, BASE + "/refreshes", manage, this::refresh);
    r.add(GET, BASE + "/refreshes", read, this::refreshes);
    r.add(GET, BASE + "/refreshes/{refresh_id}", read, this::getRefresh);
    r.add(POST, BASE + "/refreshes/{refresh_id}/cancel", manage, this::cancel);
  }

  private static String table(Context ctx) {
    return ctx.pathParam("table_name").toLowerCase(Locale.ROOT);
  }

  private MonitorSpec spec(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    String t = table(ctx);
    if (body.hasNonNull("table_name")
        && !body.get("table_name").asText().toLowerCase(Locale.ROOT).equals(t)) {
      throw KeelException.invalid(
          "table_name: '"
              + body.get("table_name").asText()
              + "' is not the table in the path '"
              + t
              + "'");
    }
    MonitorSpec spec = MonitorSpecJson.decode(t, body);
    // The monitor writes two tables and reads the baseline and labels as its creator
    Caller.require(ctx, TABLE, spec.profileMetricsTableName(), CREATE);
    Caller.require(ctx, TABLE, spec.driftMetricsTableName(), CREATE);
    spec.baselineTableName().ifPresent(b -> Caller.require(ctx, TABLE, b, READ));
    spec.labels().ifPresent(l -> Caller.require(ctx, TABLE, l.tableName(), READ));
    return spec;
  }

  private void create(Context ctx) {
    MonitorSpec spec = spec(ctx);
    Json.write(ctx, info(monitors.create(spec, Caller.get(ctx).name())));
  }

  private void get(Context ctx) {
    Json.write(ctx, info(monitors.get(table(ctx))));
  }

  private void update(Context ctx) {
    Json.write(ctx, info(monitors.update(spec(ctx))));
  }

  private void delete(Context ctx) {
    monitors.delete(table(ctx));
    Json.write(ctx, Json.object());
  }

  private void refresh(Context ctx) {
    Json.write(ctx, refreshJson(monitors.refresh(table(ctx))));
  }

  private void refreshes(Context ctx) {
    ObjectNode out = Json.object();
    ArrayNode a = out.putArray("refreshes");
    monitors.refreshes(table(ctx)).forEach(r -> a.add(refreshJson(r)));
    Json.write(ctx, out);
  }

  private void getRefresh(Context ctx) {
    Json.write(ctx, refreshJson(monitors.getRefresh(table(ctx), refreshId(ctx))));
  }

  private void cancel(Context ctx) {
    monitors.cancel(table(ctx), refreshId(ctx));
    Json.write(ctx, Json.object());
  }

  private static long refreshId(Context ctx) {
    String id = ctx.pathParam("refresh_id");
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw KeelException.invalid("refresh_id: must be an integer, got '" + id + "'");
    }
  }

  /** Databricks' {@code MonitorInfo}. */
  static ObjectNode info(MonitorInfo m) {
    ObjectNode o = MonitorSpecJson.encode(m.spec());
    o.put("status", m.status().name());
    o.put("monitor_version", m.monitorVersion());
    o.put("profile_metrics_table_name", m.spec().profileMetricsTableName());
    o.put("drift_metrics_table_name", m.spec().driftMetricsTableName());
    m.failureMsg().ifPresent(f -> o.put("latest_monitor_failure_msg", f));
    return o;
  }

  /** Databricks' {@code MonitorRefreshInfo}. */
  static ObjectNode refreshJson(MonitorRefresh r) {
    ObjectNode o = Json.object();
    o.put("refresh_id", r.refreshId());
    o.put("state", r.state().name());
    o.put("start_time_ms", r.startTime().toEpochMilli());
    r.endTime().ifPresent(e -> o.put("end_time_ms", e.toEpochMilli()));
    r.message().ifPresent(m -> o.put("message", m));
    o.put("trigger", r.trigger().name());
    return o;
  }
}
