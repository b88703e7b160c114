package dev.keel.monitoring.http;

import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.TABLE;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.GrantService;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.Privilege;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.monitoring.alerts.Alert;
import dev.keel.monitoring.alerts.AlertJson;
import dev.keel.monitoring.alerts.AlertService;
import dev.keel.monitoring.alerts.Firing;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keel's alerts API under {@code /api/2.0/keel/alerts} (Databricks-style JSON and errors). An alert
 * belongs to its monitored table: reading it needs {@code SELECT} on the table (Access READ on
 * TABLE), creating, changing or deleting it needs the table's ownership or {@code MANAGE} (Access
 * MANAGE on TABLE), as the monitor itself does. Listing without {@code table_name} shows only the
 * alerts of tables the caller may read.
 */
public final class AlertRoutes implements ApiModule {
  static final String BASE = "/api/2.0/keel/alerts";
  private final AlertService alerts;

  /** Routes over {@code alerts}. */
  public AlertRoutes(AlertService alerts) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
  }

  @Override
  public void routes(Routes r) {
    Access.Resource created = ctx -> Request.of(ctx).required("table_name");
    Access.Resource ofAlert = ctx -> alerts.get(ctx.pathParam("alert_id")).spec().tableName();
    Access.Resource metastore = ctx -> GrantService.METASTORE;
    r.dialect(BASE, Dialect.DATABRICKS);
    r.add(HandlerType.POST, BASE, Access.of(TABLE, Privilege.MANAGE).on(created), this::create);
    r.add(HandlerType.GET, BASE, Access.of(METASTORE, Privilege.READ).on(metastore), this::list);
    String one = BASE + "/{alert_id}";
    r.add(HandlerType.GET, one, Access.of(TABLE, Privilege.READ).on(ofAlert), this::get);
    r.add(HandlerType.PATCH, one, Access.of(TABLE, Privilege.MANAGE).on(ofAlert), this::update);
    r.add(HandlerType.DELETE, one, Access.of(TABLE, Privilege.MANAGE).on(ofAlert), this::delete);
    r.add(
        HandlerType.GET,
        one + "/firings",
        Access.of(TABLE, Privilege.READ).on(ofAlert),
        this::firings);
  }

  private void create(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Alert a = alerts.create(AlertBody.read(body), Caller.get(ctx).name());
    Json.write(ctx, AlertJson.alert(a));
  }

  private void get(Context ctx) {
    Json.write(ctx, AlertJson.alert(alerts.get(ctx.pathParam("alert_id"))));
  }

  private void update(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Alert a =
        alerts.update(ctx.pathParam("alert_id"), AlertBody.read(body), Caller.get(ctx).name());
    Json.write(ctx, AlertJson.alert(a));
  }

  private void delete(Context ctx) {
    alerts.delete(ctx.pathParam("alert_id"));
    Json.write(ctx, Json.object());
  }

  private void list(Context ctx) {
    Request q = Request.ofQuery(ctx);
    Optional<String> table = q.string("table_name").filter(t -> !t.isEmpty());
    table.ifPresent(t -> Caller.require(ctx, TABLE, t, Privilege.READ));
    int max = maxResults(q);
    Page<Alert> page = alerts.list(table, max, q.string("page_token"));
    List<Alert> shown = new ArrayList<>();
    for (Alert a : page.items()) {
      if (table.isPresent()
          || Caller.may(ctx, TABLE, a.spec().tableName(), Privilege.READ).orElse(false)) {
        shown.add(a);
      }
    }
    ObjectNode out = Json.object();
    ArrayNode items = out.putArray("alerts");
    shown.forEach(a -> items.add(AlertJson.alert(a)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    Json.write(ctx, out);
  }

  private void firings(Context ctx) {
    Request q = Request.ofQuery(ctx);
    Page<Firing> page =
        alerts.firings(ctx.pathParam("alert_id"), maxResults(q), q.string("page_token"));
    ObjectNode out = Json.object();
    ArrayNode items = out.putArray("firings");
    page.items().forEach(f -> items.add(AlertJson.firing(f)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    Json.write(ctx, out);
  }

  private static int maxResults(Request q) {
    var v = q.int64("max_results");
    if (v.isEmpty()) {
      return 0;
    }
    if (v.getAsLong() < 1 || v.getAsLong() > AlertService.MAX_RESULTS) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "max_results: must be 1 to " + AlertService.MAX_RESULTS + ", got " + v.getAsLong());
    }
    return (int) v.getAsLong();
  }
}
