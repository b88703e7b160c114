package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.Privilege;
import dev.keel.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State is never changed by GET (a link, an image or a prefetch in any page can send one): every
 * GET route declares a read-only privilege, and calling every GET route of a server holding an
 * experiment, a run with an artifact, a model and a table, with every path parameter filled from
 * the names of those objects, leaves the metadata database and the data directory exactly as they
 * were.
 */
class GetNeverWritesTest {
  @TempDir Path dir;

  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)\\}|<([^>]+)>");

  @Test
  void every_get_route_declares_a_read_only_privilege() {
    try (TestServer s = TestServer.start(dir)) {
      List<String> writers =
          s.server().routes().stream()
              .filter(r -> r.method().equals("GET"))
              // A GET reads: NONE or READ, or MANAGE on no named securable (an administrators'
              // read, e.g. token management, the audit log); never EDIT or CREATE.
              .filter(
                  r ->
                      r.access().privilege() != Privilege.NONE
                          && r.access().privilege() != Privilege.READ
                          && !(r.access().privilege() == Privilege.MANAGE
                              && r.access().resource().isEmpty()))
              .map(r -> r.path() + " needs " + r.access().privilege())
              .toList();
      assertThat(writers).isEmpty();
    }
  }

  @Test
  void calling_every_get_route_changes_nothing() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      String exp =
          s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"reads\"}")
              .json()
              .path("experiment_id")
              .asText();
      String run =
          s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + exp + "\"}")
              .json()
              .path("run")
              .path("info")
              .path("run_id")
              .asText();
      assertThat(
              s.post(
                      "/api/2.0/mlflow/runs/log-batch",
                      "{\"run_id\":\""
                          + run
                          + "\",\"metrics\":[{\"key\":\"m\",\"value\":1,\"timestamp\":1,"
                          + "\"step\":0}],\"params\":[{\"key\":\"p\",\"value\":\"v\"}]}")
                  .status())
          .isEqualTo(200);
      String artifact = exp + "/" + run + "/artifacts/a.txt";
      assertThat(s.put("/api/2.0/mlflow-artifacts/artifacts/" + artifact, "x".getBytes()).status())
          .isEqualTo(200);
      assertThat(
              s.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"main.default.m\"}")
                  .status())
          .isEqualTo(200);
      assertThat(
              s.post(
                      "/api/2.1/unity-catalog/tables",
                      """
                      {"name": "t", "catalog_name": "main", "schema_name": "default",
                       "table_type": "MANAGED", "data_source_format": "DELTA",
                       "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
                      """)
                  .status())
          .isEqualTo(200);
      assertThat(
              s.post("/api/2.0/keel/tables/main.default.t/rows", "{\"rows\":[{\"id\":1}]}")
                  .status())
          .isEqualTo(200);

      List<String> values =
          List.of(
              "main",
              "default",
              "main.default",
              "main.default.t",
              "main.default.m",
              exp,
              run,
              "1",
              "champion",
              artifact,
              "swagger-ui.css");
      String query =
          "?experiment_id=%s&run_id=%s&name=main.default.m&full_name=main.default.t"
                  .formatted(exp, run)
              + "&catalog_name=main&schema_name=default&metric_key=m&path=&experiment_name=reads";

      Map<String, String> before = snapshot(dir);
      int answered = 0;
      int ok = 0;
      for (HttpServer.Route r : s.server().routes()) {
        if (!r.method().equals("GET")) {
          continue;
        }
        for (String path : fill(r.path(), values)) {
          for (String q : new String[] {"", query}) {
            int status = s.get(path + q).status();
            answered++;
            if (status == 200) {
              ok++;
            }
          }
        }
      }
      assertThat(answered).isGreaterThan(200);
      assertThat(ok).as("GETs that found what they read").isGreaterThan(40);
      assertThat(snapshot(dir)).isEqualTo(before);
      System.out.println("GET requests: " + answered + ", of which 200: " + ok);
      // the snapshot sees writes: a tag in the database, a row in a table's files
      s.post(
          "/api/2.0/mlflow/experiments/set-experiment-tag",
          "{\"experiment_id\":\"" + exp + "\",\"key\":\"k\",\"value\":\"v\"}");
      Map<String, String> tagged = snapshot(dir);
      assertThat(tagged).isNotEqualTo(before);
      s.post("/api/2.0/keel/tables/main.default.t/rows", "{\"rows\":[{\"id\":2}]}");
      assertThat(snapshot(dir).keySet()).isNotEqualTo(tagged.keySet());
    }
  }

  /** {@code template} with every parameter replaced by each of {@code values} in turn. */
  private static List<String> fill(String template, List<String> values) {
    Matcher m = PARAM.matcher(template);
    if (!m.find()) {
      return List.of(template);
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      String once = template.substring(0, m.start()) + v + template.substring(m.end());
      out.addAll(fill(once, values));
    }
    return out;
  }

  /** Every row of every table of the metadata database, and every file's path and size. */
  private static Map<String, String> snapshot(Path dataDir) throws SQLException, IOException {
    Map<String, String> state = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("keel.db"));
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\"")) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              b.append(rs.getString(i)).append('|');
            }
            rows.add(b.toString());
          }
        }
        rows.sort(null);
        state.put("table " + t, String.join("\n", rows));
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("keel.db"))
          .filter(p -> !dataDir.relativize(p).startsWith("tmp"))
          .forEach(
              p -> {
                try {
                  state.put("file " + dataDir.relativize(p), Long.toString(Files.size(p)));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return state;
  }
}
