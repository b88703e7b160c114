package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code keel catalogs ...} and {@code keel schemas ...} in-process against a real server. */
class CatalogCliTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = all.toArray(String[]::new);
    CommandLine cmd = Main.commandLine(Map.of(), argv);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(argv);
    return new Result(exit, out.toString(), err.toString());
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static boolean exists(String catalog) {
    try {
      client.catalogs().getCatalog(catalog);
      return true;
    } catch (KeelClientException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ catalogs

  @Test
  void catalogs_create_in_both_formats() {
    String name = unique("cli");
    Result table = keel("catalogs", "create", name, "--comment", "Sales data", "-p", "team=bi");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains("Created catalog '" + name + "'");
    assertThat(client.catalogs().getCatalog(name).properties()).containsEntry("team", "bi");
    assertThat(client.catalogs().getCatalog(name).comment()).isEqualTo("Sales data");

    String upper = unique("CLI");
    Result json = keel("catalogs", "create", upper, "-o", "json");
    assertThat(json.exit()).isZero();
    JsonNode c = json.json();
    assertThat(c.get("name").asText()).isEqualTo(upper.toLowerCase());
    assertThat(c.get("owner").asText()).isEqualTo("keel");
    assertThat(c.get("id").asText()).matches("[0-9a-f-]{36}");
    assertThat(c.get("created_at").isIntegralNumber()).isTrue();
  }

  @Test
  void catalogs_get_prints_fields_and_properties_or_the_server_object() {
    String name = unique("get");
    var created = client.catalogs().createCatalog(name, "hello", Map.of("tier", "gold"));

    Result table = keel("catalogs", "get", name.toUpperCase());
    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .containsPattern("Name:\\s+" + name)
        .containsPattern("Comment:\\s+hello")
        .containsPattern("Owner:\\s+keel")
        .containsPattern("ID:\\s+" + created.id())
        .contains("PROPERTY")
        .contains("tier")
        .contains("gold");

    Result json = keel("catalogs", "get", name, "--output", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().get("name").asText()).isEqualTo(name);
    assertThat(json.json().get("comment").asText()).isEqualTo("hello");
    assertThat(json.json().get("properties").get("tier").asText()).isEqualTo("gold");
  }

  @Test
  void catalogs_list_prints_a_table_and_json_and_pages_with_max_results() {
    String prefix = unique("ls");
    for (int i = 0; i < 3; i++) {
      client.catalogs().createCatalog(prefix + "_" + i, "c" + i, Map.of());
    }
    Result table = keel("catalogs", "list");
    assertThat(table.exit()).isZero();
    assertThat(table.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("COMMENT")
        .contains("OWNER")
        .contains("CREATED");
    assertThat(table.out()).contains("main").contains(prefix + "_0").contains(prefix + "_2");

    Result json = keel("catalogs", "ls", "-o", "json");
    assertThat(json.exit()).isZero();
    List<String> names = new ArrayList<>();
    json.json().forEach(c -> names.add(c.get("name").asText()));
    assertThat(names).contains("main", prefix + "_0", prefix + "_1", prefix + "_2").isSorted();

    Result page = keel("catalogs", "list", "--max-results", "1", "-o", "json");
    assertThat(page.exit()).isZero();
    assertThat(page.json().size()).isEqualTo(1);
    assertThat(page.err()).contains("--page-token");
    String token = page.err().substring(page.err().indexOf("--page-token ") + 13).trim();
    Result second =
        keel("catalogs", "list", "--max-results", "1", "--page-token", token, "-o", "json");
    assertThat(second.exit()).isZero();
    assertThat(second.json().get(0).get("name").asText())
        .isGreaterThan(page.json().get(0).get("name").asText());

    Result negative = keel("catalogs", "list", "--max-results", "-1");
    assertThat(negative.exit()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void catalogs_update_renames_and_changes_comment_and_properties() {
    String name = unique("upd");
    String renamed = unique("renamed");
    client.catalogs().createCatalog(name, "old", Map.of("k", "v"));
    client.catalogs().createSchema(name, "s");

    Result comment = keel("catalogs", "update", name, "--comment", "new", "-o", "json");
    assertThat(comment.exit()).isZero();
    assertThat(comment.json().get("comment").asText()).isEqualTo("new");
    assertThat(comment.json().get("properties").get("k").asText()).isEqualTo("v");

    Result props = keel("catalogs", "update", name, "-p", "a=b", "-p", "c=d");
    assertThat(props.exit()).isZero();
    assertThat(props.out()).contains("Updated catalog '" + name + "'");
    assertThat(client.catalogs().getCatalog(name).properties())
        .containsExactly(Map.entry("a", "b"), Map.entry("c", "d"));

    Result cleared = keel("catalogs", "update", name, "--comment", "");
    assertThat(cleared.exit()).isZero();
    assertThat(client.catalogs().getCatalog(name).comment()).isEmpty();

    Result rename = keel("catalogs", "update", name, "--new-name", renamed);
    assertThat(rename.exit()).isZero();
    assertThat(rename.out()).contains("Updated catalog '" + renamed + "'");
    assertThat(exists(name)).isFalse();
    assertThat(client.catalogs().getSchema(renamed + ".s").catalogName()).isEqualTo(renamed);

    Result nothing = keel("catalogs", "update", renamed);
    assertThat(nothing.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(nothing.err()).contains("nothing to update");
  }

  @Test
  void catalogs_delete_needs_force_when_it_has_schemas() {
    String name = unique("del");
    client.catalogs().createCatalog(name);
    client.catalogs().createSchema(name, "s");

    Result refused = keel("catalogs", "delete", name);
    assertThat(refused.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(refused.err())
        .startsWith("error: FAILED_PRECONDITION: ")
        .contains("Cannot delete catalog with schemas");
    assertThat(exists(name)).isTrue();

    Result forced = keel("catalogs", "delete", name, "--force");
    assertThat(forced.exit()).isZero();
    assertThat(forced.out()).contains("Deleted catalog '" + name + "'");
    assertThat(exists(name)).isFalse();

    String other = unique("del");
    client.catalogs().createCatalog(other);
    Result json = keel("catalogs", "delete", other, "-o", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().size()).isZero();
  }

  @Test
  void catalog_errors_print_code_and_message_and_exit_1() {
    String name = unique("err");
    Result missing = keel("catalogs", "get", name);
    assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).startsWith("error: NOT_FOUND: ").contains(name);

    client.catalogs().createCatalog(name);
    Result dup = keel("catalogs", "create", name.toUpperCase());
    assertThat(dup.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(dup.err()).startsWith("error: ALREADY_EXISTS: ");

    Result bad = keel("catalogs", "create", "a b");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(bad.err()).startsWith("error: INVALID_ARGUMENT: ").contains("'name'");

    Result deleteMissing = keel("catalogs", "delete", unique("gone"), "--force");
    assertThat(deleteMissing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(deleteMissing.err()).startsWith("error: NOT_FOUND: ");

    Result usage = keel("catalogs", "get");
    assertThat(usage.exit()).isEqualTo(Main.EXIT_USAGE);
  }

  // ------------------------------------------------------------------ schemas

  @Test
  void schemas_create_get_in_both_formats() {
    String catalog = client.catalogs().createCatalog(unique("sc")).name();
    Result created =
        keel("schemas", "create", catalog + ".Raw", "-c", "Landing zone", "-p", "fmt=parquet");
    assertThat(created.exit()).isZero();
    assertThat(created.out()).contains("Created schema '" + catalog + ".raw'");

    Result table = keel("schemas", "get", catalog + ".raw");
    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .containsPattern("Full name:\\s+" + catalog + "\\.raw")
        .containsPattern("Catalog:\\s+" + catalog)
        .containsPattern("Comment:\\s+Landing zone")
        .containsPattern("Owner:\\s+keel")
        .contains("fmt")
        .contains("parquet");

    Result json = keel("schemas", "get", catalog + ".RAW", "-o", "json");
    assertThat(json.exit()).isZero();
    JsonNode s = json.json();
    assertThat(s.get("full_name").asText()).isEqualTo(catalog + ".raw");
    assertThat(s.get("catalog_name").asText()).isEqualTo(catalog);
    assertThat(s.get("name").asText()).isEqualTo("raw");
    assertThat(s.get("schema_id").asText()).matches("[0-9a-f-]{36}");

    Result createJson = keel("schemas", "create", catalog + ".other", "-o", "json");
    assertThat(createJson.exit()).isZero();
    assertThat(createJson.json().get("full_name").asText()).isEqualTo(catalog + ".other");
  }

  @Test
  void schemas_list_prints_a_table_and_json_and_pages() {
    String catalog = client.catalogs().createCatalog(unique("sl")).name();
    for (int i = 0; i < 3; i++) {
      client.catalogs().createSchema(catalog, "s" + i, "comment " + i, Map.of());
    }
    Result table = keel("schemas", "list", catalog);
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("NAME").contains("FULL NAME").contains("COMMENT");
    assertThat(lines.get(1)).startsWith("s0").contains(catalog + ".s0").contains("comment 0");

    Result json = keel("schemas", "ls", catalog, "-o", "json");
    assertThat(json.exit()).isZero();
    List<String> names = new ArrayList<>();
    json.json().forEach(s -> names.add(s.get("full_name").asText()));
    assertThat(names).containsExactly(catalog + ".s0", catalog + ".s1", catalog + ".s2");

    Result page = keel("schemas", "list", catalog, "--max-results", "2", "-o", "json");
    assertThat(page.json().size()).isEqualTo(2);
    java.util.regex.Matcher hint =
        java.util.regex.Pattern.compile("--page-token (\\S+)").matcher(page.err());
    assertThat(hint.find()).as(page.err()).isTrue(); // an opaque token, as printed
    Result last =
        keel(
            "schemas",
            "list",
            catalog,
            "--max-results",
            "2",
            "--page-token",
            hint.group(1),
            "-o",
            "json");
    assertThat(last.json().size()).isEqualTo(1);
    assertThat(last.json().get(0).get("name").asText()).isEqualTo("s2");
    assertThat(last.err()).isEmpty();

    String empty = client.catalogs().createCatalog(unique("none")).name();
    assertThat(keel("schemas", "list", empty).out()).contains("No schemas.");

    Result unknown = keel("schemas", "list", unique("nope"));
    assertThat(unknown.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(unknown.err()).startsWith("error: NOT_FOUND: ");
  }

  @Test
  void schemas_update_renames_and_changes_comment_and_properties() {
    String catalog = client.catalogs().createCatalog(unique("su")).name();
    client.catalogs().createSchema(catalog, "s", "old", Map.of("k", "v"));

    Result updated =
        keel(
            "schemas",
            "update",
            catalog + ".s",
            "--new-name",
            "t",
            "--comment",
            "new",
            "-p",
            "a=b",
            "-o",
            "json");
    assertThat(updated.exit()).isZero();
    assertThat(updated.json().get("full_name").asText()).isEqualTo(catalog + ".t");
    assertThat(updated.json().get("comment").asText()).isEqualTo("new");
    assertThat(updated.json().get("properties").get("a").asText()).isEqualTo("b");

    Result table = keel("schemas", "update", catalog + ".t", "-c", "");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains("Updated schema '" + catalog + ".t'");
    assertThat(client.catalogs().getSchema(catalog + ".t").comment()).isEmpty();

    Result bad = keel("schemas", "update", catalog + ".t", "--new-name", "a.b");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(bad.err()).startsWith("error: INVALID_ARGUMENT: ").contains("'new_name'");
  }

  @Test
  void schemas_delete_with_and_without_force() {
    String catalog = client.catalogs().createCatalog(unique("sd")).name();
    client.catalogs().createSchema(catalog, "a");
    client.catalogs().createSchema(catalog, "b");
    Result plain = keel("schemas", "delete", catalog + ".a");
    assertThat(plain.exit()).isZero();
    assertThat(plain.out()).contains("Deleted schema '" + catalog + ".a'");
    Result forced = keel("schemas", "delete", catalog + ".b", "--force", "-o", "json");
    assertThat(forced.exit()).isZero();
    assertThat(forced.json().size()).isZero();
    assertThat(client.catalogs().streamSchemas(catalog).toList()).isEmpty();

    Result again = keel("schemas", "delete", catalog + ".a");
    assertThat(again.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(again.err()).startsWith("error: NOT_FOUND: ");
  }

  @Test
  void schema_errors_print_code_and_message_and_exit_1() {
    String catalog = client.catalogs().createCatalog(unique("se")).name();
    client.catalogs().createSchema(catalog, "s");
    Result dup = keel("schemas", "create", catalog + ".S");
    assertThat(dup.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(dup.err()).startsWith("error: ALREADY_EXISTS: ");

    Result bad = keel("schemas", "create", catalog + ".a;b");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(bad.err()).startsWith("error: INVALID_ARGUMENT: ").contains("'name'");

    Result noCatalog = keel("schemas", "create", unique("nope") + ".s");
    assertThat(noCatalog.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(noCatalog.err()).startsWith("error: NOT_FOUND: ");

    Result missing = keel("schemas", "get", catalog + ".nope");
    assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.err()).startsWith("error: NOT_FOUND: ");

    Result oneLevel = keel("schemas", "get", catalog);
    assertThat(oneLevel.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(oneLevel.err()).startsWith("error: INVALID_ARGUMENT: ").contains("'full_name'");

    Result notFull = keel("schemas", "create", "justname");
    assertThat(notFull.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(notFull.err()).contains("CATALOG.SCHEMA");
  }

  @Test
  void help_lists_the_catalog_and_schema_commands() {
    Result help = keel("--help");
    assertThat(help.out()).contains("catalogs").contains("schemas");
    Result sub = keel("catalogs", "--help");
    assertThat(sub.out()).contains("create").contains("list").contains("update").contains("delete");
  }
}
