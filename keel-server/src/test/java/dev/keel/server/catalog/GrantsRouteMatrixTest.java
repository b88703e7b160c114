package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.catalog.GrantService;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the catalog, registry, tables and feature modules × (owner, granted user, user
 * with the parents' grants only, stranger): the table below says who gets through, the test checks
 * each cell against a real server, and fails when a route of those modules is missing from the
 * table.
 */
class GrantsRouteMatrixTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String FS = "/api/2.0/feature-store";
  static final String KT = "/api/2.0/keel/tables";

  /** Who may call a route. */
  enum Who {
    /** Everyone authenticated (lists are filtered). */
    ALL,
    /** Owner, granted user and the user with USE CATALOG / USE SCHEMA on the parents. */
    PARENT,
    /** Owner and granted user. */
    OBJECT,
    /** Administrators only. */
    ADMIN
  }

  record Row(String method, String template, String path, String body, Who who, boolean destroys) {}

  static final List<String> ROLES = List.of("sam", "pete", "gina", "olive");

  @TempDir Path dir;

  static boolean allowed(Who who, String role) {
    return switch (who) {
      case ALL -> true;
      case PARENT -> !role.equals("sam");
      case OBJECT -> role.equals("gina") || role.equals("olive");
      case ADMIN -> false;
    };
  }

  static List<Row> table() {
    List<Row> rows = new ArrayList<>();
    String c = UC + "/catalogs";
    rows.add(new Row("POST", c, c, "{\"name\":\"made_by_%s\"}", Who.OBJECT, false));
    rows.add(new Row("GET", c, c, null, Who.ALL, false));
    rows.add(new Row("GET", c + "/{name}", c + "/rm", null, Who.PARENT, false));
    rows.add(new Row("PATCH", c + "/{name}", c + "/rm", "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", c + "/{name}", c + "/rm", null, Who.OBJECT, false)); // has schemas
    String s = UC + "/schemas";
    rows.add(
        new Row("POST", s, s, "{\"catalog_name\":\"rm\",\"name\":\"s_%s\"}", Who.OBJECT, false));
    rows.add(new Row("GET", s, s + "?catalog_name=rm", null, Who.PARENT, false));
    rows.add(new Row("GET", s + "/{full_name}", s + "/rm.s", null, Who.PARENT, false));
    rows.add(new Row("PATCH", s + "/{full_name}", s + "/rm.s", "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", s + "/{full_name}", s + "/rm.s", null, Who.OBJECT, false));

    String t = UC + "/tables";
    rows.add(new Row("POST", t, t, GrantsApiTest.table("rm", "s", "t_%s"), Who.OBJECT, false));
    rows.add(new Row("GET", t, t + "?catalog_name=rm&schema_name=s", null, Who.PARENT, false));
    rows.add(new Row("GET", t + "/{full_name}", t + "/rm.s.t", null, Who.OBJECT, false));
    rows.add(new Row("DELETE", t + "/{full_name}", t + "/rm.s.t", null, Who.OBJECT, true));
    String rowsBody = "{\"mode\":\"append\",\"rows\":[]}";
    rows.add(
        new Row(
            "POST", KT + "/{full_name}/rows", KT + "/rm.s.t/rows", rowsBody, Who.OBJECT, false));
    rows.add(
        new Row("POST", KT + "/{full_name}/files", KT + "/rm.s.t/files", "{}", Who.OBJECT, false));
    for (String get : List.of("preview", "export", "history", "count")) {
      rows.add(
          new Row(
              "GET", KT + "/{full_name}/" + get, KT + "/rm.s.t/" + get, null, Who.OBJECT, false));
    }
    for (String post : List.of("optimize", "remove-orphans", "expire-snapshots")) {
      rows.add(
          new Row(
              "POST",
              KT + "/{full_name}/" + post,
              KT + "/rm.s.t/" + post,
              "{}",
              Who.OBJECT,
              false));
    }

    String lineage = "/api/2.0/lineage-tracking/table-lineage";
    rows.add(new Row("GET", lineage, lineage + "?table_name=rm.s.t", null, Who.OBJECT, false));

    String m = UC + "/models";
    String mm = m + "/{full_name}";
    String v = mm + "/versions/{version}";
    String a = mm + "/aliases/{alias}";
    String model = m + "/rm.s.m";
    rows.add(
        new Row(
            "GET", m + "/resolve", m + "/resolve?uri=models:/rm.s.m/1", null, Who.OBJECT, false));
    rows.add(
        new Row(
            "POST",
            m,
            m,
            "{\"catalog_name\":\"rm\",\"schema_name\":\"s\",\"name\":\"m_%s\"}",
            Who.OBJECT,
            false));
    rows.add(new Row("GET", m, m, null, Who.ALL, false));
    rows.add(new Row("GET", mm, model, null, Who.OBJECT, false));
    rows.add(new Row("PATCH", mm, model, "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", mm, model, null, Who.OBJECT, true));
    String version =
        "{\"catalog_name\":\"rm\",\"schema_name\":\"s\",\"model_name\":\"m\",\"source\":\"file:/nowhere\"}";
    rows.add(new Row("POST", m + "/versions", m + "/versions", version, Who.OBJECT, false));
    rows.add(new Row("POST", mm + "/versions", model + "/versions", version, Who.OBJECT, false));
    rows.add(new Row("GET", mm + "/versions", model + "/versions", null, Who.OBJECT, false));
    rows.add(new Row("GET", v, model + "/versions/1", null, Who.OBJECT, false));
    rows.add(new Row("PATCH", v, model + "/versions/1", "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", v, model + "/versions/1", null, Who.OBJECT, false));
    rows.add(
        new Row("PATCH", v + "/finalize", model + "/versions/1/finalize", "{}", Who.OBJECT, false));
    rows.add(new Row("PUT", a, model + "/aliases/champ", "{\"version_num\":1}", Who.OBJECT, false));
    rows.add(new Row("GET", a, model + "/aliases/champ", null, Who.OBJECT, false));
    rows.add(new Row("DELETE", a, model + "/aliases/champ", null, Who.OBJECT, false));
    rows.add(
        new Row("GET", a + "/history", model + "/aliases/champ/history", null, Who.OBJECT, false));
    rows.add(new Row("GET", mm + "/lineage", model + "/lineage", null, Who.OBJECT, false));
    rows.add(
        new Row("GET", v + "/lineage", model + "/versions/1/lineage", null, Who.OBJECT, false));

    for (String p : List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/")) {
      String rm = p + "registered-models/";
      String mv = p + "model-versions/";
      String named = "{\"name\":\"rm.s.m\"}";
      rows.add(
          new Row(
              "POST",
              rm + "create",
              rm + "create",
              "{\"name\":\"rm.s.ml_%s\"}",
              Who.OBJECT,
              false));
      rows.add(new Row("GET", rm + "get", rm + "get?name=rm.s.m", null, Who.OBJECT, false));
      rows.add(
          new Row(
              "POST",
              rm + "rename",
              rm + "rename",
              "{\"name\":\"rm.s.m\",\"new_name\":\"rm.s.m\"}",
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "PATCH",
              rm + "update",
              rm + "update",
              "{\"name\":\"rm.s.m\",\"description\":\"d\"}",
              Who.OBJECT,
              false));
      rows.add(new Row("DELETE", rm + "delete", rm + "delete", named, Who.OBJECT, true));
      rows.add(new Row("GET", rm + "search", rm + "search", null, Who.ALL, false));
      rows.add(
          new Row(
              "POST",
              rm + "get-latest-versions",
              rm + "get-latest-versions",
              named,
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "GET",
              rm + "get-latest-versions",
              rm + "get-latest-versions?name=rm.s.m",
              null,
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "POST",
              rm + "set-tag",
              rm + "set-tag",
              "{\"name\":\"rm.s.m\",\"key\":\"k\",\"value\":\"v\"}",
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "DELETE",
              rm + "delete-tag",
              rm + "delete-tag",
              "{\"name\":\"rm.s.m\",\"key\":\"k\"}",
              Who.OBJECT,
              false));
      String alias = "{\"name\":\"rm.s.m\",\"alias\":\"a\",\"version\":\"1\"}";
      rows.add(new Row("POST", rm + "alias", rm + "alias", alias, Who.OBJECT, false));
      rows.add(new Row("DELETE", rm + "alias", rm + "alias", alias, Who.OBJECT, false));
      rows.add(
          new Row("GET", rm + "alias", rm + "alias?name=rm.s.m&alias=a", null, Who.OBJECT, false));
      String ver = "{\"name\":\"rm.s.m\",\"version\":\"1\"}";
      rows.add(
          new Row(
              "POST",
              mv + "create",
              mv + "create",
              "{\"name\":\"rm.s.m\",\"source\":\"file:/nowhere\"}",
              Who.OBJECT,
              false));
      rows.add(
          new Row("GET", mv + "get", mv + "get?name=rm.s.m&version=1", null, Who.OBJECT, false));
      rows.add(new Row("PATCH", mv + "update", mv + "update", ver, Who.OBJECT, false));
      rows.add(new Row("DELETE", mv + "delete", mv + "delete", ver, Who.OBJECT, false));
      rows.add(
          new Row(
              "GET",
              mv + "search",
              mv + "search?filter=name%3D%27rm.s.m%27",
              null,
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "POST",
              mv + "set-tag",
              mv + "set-tag",
              "{\"name\":\"rm.s.m\",\"version\":\"1\",\"key\":\"k\",\"value\":\"v\"}",
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "DELETE",
              mv + "delete-tag",
              mv + "delete-tag",
              "{\"name\":\"rm.s.m\",\"version\":\"1\",\"key\":\"k\"}",
              Who.OBJECT,
              false));
      rows.add(
          new Row(
              "GET",
              mv + "get-download-uri",
              mv + "get-download-uri?name=rm.s.m&version=1",
              null,
              Who.OBJECT,
              false));
    }

    String ft = FS + "/feature-tables";
    rows.add(new Row("POST", ft, ft, featureTable("rm.s.ft_%s"), Who.OBJECT, false));
    rows.add(new Row("GET", ft, ft + "?catalog_name=rm&schema_name=s", null, Who.PARENT, false));
    rows.add(new Row("GET", ft + "/{name}", ft + "/rm.s.ft", null, Who.OBJECT, false));
    rows.add(new Row("PATCH", ft + "/{name}", ft + "/rm.s.ft", "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", ft + "/{name}", ft + "/rm.s.ft", null, Who.OBJECT, true));
    rows.add(
        new Row(
            "POST", ft + "/{name}/rows", ft + "/rm.s.ft/rows", "{\"rows\":[]}", Who.OBJECT, false));
    rows.add(
        new Row(
            "POST",
            FS + "/tables/{name}/publish",
            FS + "/tables/rm.s.ft/publish",
            "{}",
            Who.OBJECT,
            false));
    rows.add(
        new Row(
            "POST",
            FS + "/online-features",
            FS + "/online-features",
            "{\"features\":[\"rm.s.ft:v\"],\"entities\":{\"id\":[1]}}",
            Who.OBJECT,
            false));
    String set =
        "{\"spine\":{\"table\":\"rm.s.t\"},\"lookups\":[{\"table_name\":\"rm.s.ft\","
            + "\"feature_names\":[\"v\"],\"lookup_key\":\"id\"}]";
    rows.add(
        new Row(
            "POST",
            FS + "/training-sets",
            FS + "/training-sets",
            set + ",\"output_table\":\"rm.s.ts_%s\"}",
            Who.OBJECT,
            false));
    rows.add(
        new Row(
            "POST",
            FS + "/training-sets/rows",
            FS + "/training-sets/rows",
            set + "}",
            Who.OBJECT,
            false));
    rows.add(
        new Row(
            "POST",
            FS + "/training-sets/rebuild",
            FS + "/training-sets/rebuild",
            "{\"run_id\":\"r\",\"output_table\":\"rm.s.rb\"}",
            Who.ADMIN,
            false));
    String fsp = FS + "/feature-specs";
    rows.add(
        new Row(
            "POST",
            fsp,
            fsp,
            "{\"name\":\"rm.s.spec_%s\",\"lookups\":[{\"table_name\":\"rm.s.ft\",\"lookup_key\":[\"id\"]}]}",
            Who.OBJECT,
            false));
    rows.add(new Row("GET", fsp, fsp + "?catalog_name=rm&schema_name=s", null, Who.PARENT, false));
    rows.add(new Row("GET", fsp + "/{name}", fsp + "/rm.s.spec", null, Who.PARENT, false));
    rows.add(new Row("DELETE", fsp + "/{name}", fsp + "/rm.s.nospec", null, Who.OBJECT, false));

    String mon = UC + "/tables/{table_name}/monitor";
    String monitor = UC + "/tables/rm.s.t/monitor";
    String snapshot = "{\"output_schema_name\":\"rm.s\",\"snapshot\":{}}";
    rows.add(new Row("POST", mon, monitor, snapshot, Who.OBJECT, false));
    rows.add(new Row("GET", mon, monitor, null, Who.OBJECT, false));
    rows.add(new Row("PUT", mon, monitor, snapshot, Who.OBJECT, false));
    rows.add(new Row("POST", mon + "/refreshes", monitor + "/refreshes", "{}", Who.OBJECT, false));
    rows.add(new Row("GET", mon + "/refreshes", monitor + "/refreshes", null, Who.OBJECT, false));
    String refresh = mon + "/refreshes/{refresh_id}";
    rows.add(new Row("GET", refresh, monitor + "/refreshes/1", null, Who.OBJECT, false));
    rows.add(
        new Row(
            "POST", refresh + "/cancel", monitor + "/refreshes/1/cancel", "{}", Who.OBJECT, false));
    rows.add(new Row("DELETE", mon, monitor, null, Who.OBJECT, true));
    String al = "/api/2.0/keel/alerts";
    rows.add(
        new Row(
            "POST",
            al,
            al,
            "{\"name\":\"a_%s\",\"table_name\":\"rm.s.t\",\"metric\":\"count\","
                + "\"op\":\"GREATER_THAN\",\"threshold\":1}",
            Who.OBJECT,
            false));
    rows.add(new Row("GET", al, al, null, Who.ALL, false)); // lists what the caller may read
    // An alert's table (whose grants decide) is read from the alert: an unknown one is 404 to all
    String one = al + "/{alert_id}";
    rows.add(new Row("GET", one, al + "/nope", null, Who.ALL, false));
    rows.add(new Row("PATCH", one, al + "/nope", "{}", Who.ALL, false));
    rows.add(new Row("DELETE", one, al + "/nope", null, Who.ALL, false));
    rows.add(new Row("GET", one + "/firings", al + "/nope/firings", null, Who.ALL, false));

    String perm = UC + "/permissions/{securable_type}/{full_name}";
    String eff = UC + "/effective-permissions/{securable_type}/{full_name}";
    rows.add(new Row("GET", perm, UC + "/permissions/catalog/rm", null, Who.ALL, false));
    rows.add(
        new Row(
            "PATCH", perm, UC + "/permissions/catalog/rm", "{\"changes\":[]}", Who.OBJECT, false));
    rows.add(new Row("GET", eff, UC + "/effective-permissions/table/rm.s.t", null, Who.ALL, false));
    // the destructive rows run last
    rows.sort((x, y) -> Boolean.compare(x.destroys(), y.destroys()));
    return rows;
  }

  static String featureTable(String name) {
    return """
        {"name": "%s", "columns": [{"name": "id", "type_name": "LONG"},
          {"name": "ts", "type_name": "TIMESTAMP"}, {"name": "v", "type_name": "DOUBLE"}],
         "primary_keys": ["id", "ts"], "timeseries_key": "ts"}
        """
        .formatted(name);
  }

  /** Creates what the table's rows act on (again, after a destructive row), with the grants. */
  static void fixtures(TestServer root, TestServer olive) {
    root.send(
        "PATCH",
        UC + "/permissions/metastore/metastore",
        "{\"changes\":[{\"principal\":\"olive\",\"add\":[\"CREATE CATALOG\"]},"
            + "{\"principal\":\"gina\",\"add\":[\"CREATE CATALOG\"]}]}");
    olive.post(UC + "/catalogs", "{\"name\":\"rm\"}");
    olive.post(UC + "/schemas", "{\"catalog_name\":\"rm\",\"name\":\"s\"}");
    olive.post(UC + "/tables", GrantsApiTest.table("rm", "s", "t"));
    olive.post(UC + "/models", "{\"catalog_name\":\"rm\",\"schema_name\":\"s\",\"name\":\"m\"}");
    olive.post(FS + "/feature-tables", featureTable("rm.s.ft"));
    grant(olive, "catalog", "rm", "gina", "USE CATALOG", "CREATE SCHEMA", "MANAGE");
    grant(
        olive,
        "schema",
        "rm.s",
        "gina",
        "USE SCHEMA",
        "CREATE TABLE",
        "CREATE MODEL",
        "CREATE FUNCTION",
        "MANAGE");
    grant(olive, "table", "rm.s.t", "gina", "SELECT", "MODIFY", "MANAGE");
    grant(olive, "table", "rm.s.ft", "gina", "SELECT", "MODIFY", "MANAGE");
    grant(olive, "registered_model", "rm.s.m", "gina", "EXECUTE", "MANAGE");
    grant(olive, "catalog", "rm", "pete", "USE CATALOG");
    grant(olive, "schema", "rm.s", "pete", "USE SCHEMA");
  }

  static void grant(TestServer who, String type, String name, String principal, String... p) {
    Response r =
        who.send(
            "PATCH",
            UC + "/permissions/" + type + "/" + name,
            "{\"changes\":[{\"principal\":\""
                + principal
                + "\",\"add\":[\""
                + String.join("\",\"", p)
                + "\"]}]}");
    assertThat(r.status()).as(type + " " + name + ": " + r.body()).isEqualTo(200);
  }

  @Test
  void every_route_answers_owner_granted_parent_only_and_stranger_as_the_table_says() {
    try (TestServer server =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer root = server.as(TestPrincipals.bearer("root", "admins"));
      TestServer olive = server.as(TestPrincipals.bearer("olive"));
      server.user("gina", "pete"); // the granted user and the one with the parent's grant only
      List<Row> table = table();

      // the table covers every route of the modules Unity Catalog grants protect
      Set<String> declared = new TreeSet<>();
      table.forEach(r -> declared.add(r.method() + " " + r.template()));
      Set<String> served = new TreeSet<>();
      server.server().routes().stream()
          .filter(r -> r.access() != null && GrantService.TYPES.contains(r.access().securable()))
          .forEach(r -> served.add(r.method() + " " + r.path()));
      served.addAll(
          server.server().routes().stream()
              .filter(r -> r.path().startsWith(FS))
              .map(r -> r.method() + " " + r.path())
              .toList());
      assertThat(declared).as("routes missing from the table").containsAll(served);

      fixtures(root, olive);
      List<String> wrong = new ArrayList<>();
      int cells = 0;
      for (Row row : table) {
        if (row.destroys()) {
          fixtures(root, olive);
        }
        for (String role : ROLES) {
          String body = row.body() == null ? null : row.body().replace("%s", role);
          Response r = server.as(TestPrincipals.bearer(role)).send(row.method(), row.path(), body);
          boolean expected = allowed(row.who(), role);
          boolean got = r.status() != 403 && r.status() != 401;
          cells++;
          if (expected != got) {
            wrong.add(
                role
                    + " "
                    + row.method()
                    + " "
                    + row.path()
                    + ": expected "
                    + (expected ? "through" : "403")
                    + ", got "
                    + r.status()
                    + " "
                    + r.body());
          } else if (!expected && !r.body().contains("PERMISSION_DENIED")) {
            wrong.add(role + " " + row.method() + " " + row.path() + ": 403 without the code");
          }
        }
      }
      assertThat(wrong).as("cells that differ from the table").isEmpty();
      assertThat(cells).isGreaterThanOrEqualTo(4 * 90);
    }
  }
}
