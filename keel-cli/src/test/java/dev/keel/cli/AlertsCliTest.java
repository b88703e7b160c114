package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.client.FakeApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code keel alerts ...} against {@link FakeApi}: the body each command line sends, the printed
 * answers, and command lines refused before anything is sent.
 */
class AlertsCliTest extends FakeApiCli {
  static final String API = "/api/2.0/keel/alerts";
  static final String ALERT = FakeApi.resource("/monitoring/alert.json");

  @Test
  void create_sends_the_flags_as_the_alerts_json_fields() throws IOException {
    api.on("POST", API, ALERT);
    CliFixture.Result r =
        ok(
            "alerts",
            "create",
            "--name",
            "age drift",
            "--table",
            "main.ml.churn_preds",
            "--metric",
            "js_distance",
            "--column",
            "age",
            "--slice-key",
            "country",
            "--slice-value",
            "FR",
            "--drift-type",
            "BASELINE",
            "--op",
            "GREATER_THAN",
            "--threshold",
            "0.2",
            "--for",
            "2",
            "--of",
            "5",
            "--webhook",
            "https://hooks.example.com/a",
            "--webhook-secret",
            "s1",
            "--webhook",
            "https://hooks.example.com/b",
            "--run-job",
            "42",
            "--job-param",
            "reason=drift");
    assertThat(api.last().json())
        .isEqualTo(
            json(
                "{'name':'age drift','table_name':'main.ml.churn_preds','metric':'js_distance',"
                    + "'column_name':'age','slice_key':'country','slice_value':'FR',"
                    + "'drift_type':'BASELINE','op':'GREATER_THAN','threshold':0.2,"
                    + "'evaluation':{'violations':2,'windows':5},"
                    + "'notifications':{'webhooks':[{'url':'https://hooks.example.com/a',"
                    + "'secret':'s1'},{'url':'https://hooks.example.com/b'}]},"
                    + "'run_job':{'job_id':42,'job_parameters':{'reason':'drift'}}}"));
    assertThat(r.out())
        .contains(
            "Created alert a-7f3c 'age drift': js_distance(age) > 0.2 for 2 of 5 (TRIGGERED).");
  }

  @Test
  void bad_alert_command_lines_are_refused_before_anything_is_sent() {
    String[] base = {
      "alerts", "create", "--name", "n", "--table", "t", "--metric", "m", "--threshold", "1"
    };
    List<String[]> cases = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    cases.add(base);
    expected.add("--op is required");
    cases.add(concat(base, "--op", "EQUAL", "--webhook-secret", "s"));
    expected.add("1 secrets for 0 webhooks");
    cases.add(concat(base, "--op", "EQUAL", "--of", "3"));
    expected.add("--of needs --for");
    cases.add(concat(base, "--op", "EQUAL", "--job-param", "a=b"));
    expected.add("--job-param needs --run-job");
    cases.add(concat(base, "--op", "EQUAL", "--no-run-job"));
    expected.add("are for update");
    cases.add(new String[] {"alerts", "update", "a-1"});
    expected.add("nothing to change");
    cases.add(new String[] {"alerts", "update", "a-1", "--webhook", "u", "--no-webhooks"});
    expected.add("cannot be combined");
    cases.add(new String[] {"alerts", "create", "--json", "-", "--name", "n"});
    expected.add("--json is the whole alert");
    cases.add(new String[] {"alerts", "list", "--limit", "0"});
    expected.add("--limit must be positive");
    for (int i = 0; i < cases.size(); i++) {
      CliFixture.Result r = keel(cases.get(i));
      assertThat(r.exit()).as(String.join(" ", cases.get(i))).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains(expected.get(i));
    }
    assertThat(api.requests()).isEmpty();
  }

  static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  void create_reads_a_whole_alert_from_standard_input() throws IOException {
    api.on("POST", API, ALERT);
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "{\"name\":\"n\",\"op\":\"EQUAL\"}".getBytes(StandardCharsets.UTF_8)));
      ok("alerts", "create", "--json", "-", "-o", "json");
    } finally {
      System.setIn(stdin);
    }
    assertThat(api.last().json()).isEqualTo(json("{'name':'n','op':'EQUAL'}"));
  }

  @Test
  void update_patches_only_the_fields_given() throws IOException {
    api.on("PATCH", API + "/a-7f3c", ALERT);
    ok("alerts", "update", "a-7f3c", "--threshold", "0.3", "--no-run-job", "--no-webhooks");
    assertThat(api.last().method()).isEqualTo("PATCH");
    assertThat(api.last().json())
        .isEqualTo(json("{'threshold':0.3,'notifications':{'webhooks':[]},'run_job':null}"));
  }

  @Test
  void list_and_get_print_the_rule_in_one_line() {
    api.on("GET", API, "{\"alerts\":[" + ALERT + "]}");
    api.on("GET", API + "/a-7f3c", ALERT);
    String list = ok("alerts", "list", "--table", "main.ml.churn_preds").out();
    assertThat(api.last().query()).isEqualTo("table_name=main.ml.churn_preds");
    assertThat(list)
        .containsPattern("ALERT_ID\\s+NAME\\s+TABLE\\s+RULE\\s+STATE\\s+LAST_EVALUATED")
        .containsPattern(
            "a-7f3c\\s+age drift\\s+main.ml.churn_preds\\s+js_distance\\(age\\) > 0.2 for 2 of 5"
                + "\\s+TRIGGERED");
    String get = ok("alerts", "get", "a-7f3c").out();
    assertThat(get)
        .containsPattern("Slice:\\s+country = FR")
        .containsPattern("Webhook:\\s+https://hooks.example.com/keel \\(signed\\)")
        .containsPattern("Runs job:\\s+42 with reason=drift")
        .containsPattern("Created:.* by alice@example.com");
    assertThat(ok("alerts", "list", "-o", "json").json().path("alerts")).hasSize(1);
  }

  @Test
  void firings_print_window_value_job_run_and_deliveries() {
    api.on("GET", API + "/a-7f3c/firings", FakeApi.resource("/monitoring/firings.json"));
    api.on("GET", API + "/a-7f3c/firings", "{\"firings\":[]}");
    String out = ok("alerts", "firings", "a-7f3c").out();
    assertThat(out)
        .containsPattern("FIRING_ID\\s+FIRED\\s+WINDOW\\s+VALUE\\s+JOB_RUN\\s+DELIVERIES")
        .containsPattern("f-1\\s+.* \\.\\. .*\\s+0.31\\s+901\\s+FAILED 503")
        .contains(Output.time(1764979200000L) + " .. " + Output.time(1765065600000L));
    assertThat(api.requests().get(1).query()).isEqualTo("page_token=p2");
  }

  @Test
  void delete_says_so_and_an_unknown_alert_exits_1() {
    api.on("DELETE", API + "/a-7f3c", "{}");
    assertThat(ok("alerts", "delete", "a-7f3c").out()).contains("Deleted alert a-7f3c.");
    CliFixture.Result missing = keel("alerts", "get", "nope");
    assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.err()).contains("RESOURCE_DOES_NOT_EXIST");
  }
}
