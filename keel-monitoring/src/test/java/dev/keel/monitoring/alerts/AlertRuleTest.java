package dev.keel.monitoring.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.alerts.AlertSpec.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  private static final long DAY = 86_400_000L;
  private static final Optional<Granularity> DAILY = Optional.of(Granularity.parse("g", "1 day"));

  /** Daily windows from day 0 with these values (null = NULL metric). */
  private static List<WindowValue> days(Double... values) {
    List<WindowValue> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(
          new WindowValue(
              i * DAY,
              (i + 1) * DAY,
              values[i] == null ? OptionalDouble.empty() : OptionalDouble.of(values[i])));
    }
    return out;
  }

  private static AlertState judge(List<WindowValue> rows, int n, int m) {
    return AlertRule.judge(
            AlertRule.latestWindows(rows, DAILY, m), Op.GREATER_THAN, 0.2, new Evaluation(n, m))
        .state();
  }

  @Test
  void two_of_five_with_the_latest_violating_triggers() {
    assertThat(judge(days(0.1, 0.3, 0.1, 0.1, 0.25), 2, 5)).isEqualTo(AlertState.TRIGGERED);
  }

  @Test
  void enough_violations_without_the_latest_window_is_ok() {
    assertThat(judge(days(0.3, 0.3, 0.3, 0.3, 0.1), 2, 5)).isEqualTo(AlertState.OK);
  }

  @Test
  void the_latest_alone_is_not_enough_when_n_is_two() {
    assertThat(judge(days(0.1, 0.1, 0.1, 0.1, 0.9), 2, 5)).isEqualTo(AlertState.OK);
  }

  @Test
  void violations_older_than_the_latest_m_windows_do_not_count() {
    assertThat(judge(days(0.9, 0.9, 0.1, 0.1, 0.9), 2, 3)).isEqualTo(AlertState.OK);
    assertThat(judge(days(0.9, 0.9, 0.1, 0.1, 0.9), 2, 5)).isEqualTo(AlertState.TRIGGERED);
  }

  @Test
  void one_of_one_triggers_on_the_latest_window() {
    assertThat(judge(days(0.1, 0.5), 1, 1)).isEqualTo(AlertState.TRIGGERED);
    assertThat(judge(days(0.5, 0.1), 1, 1)).isEqualTo(AlertState.OK);
  }

  @Test
  void a_null_metric_never_violates() {
    assertThat(judge(days(0.5, 0.5, (Double) null), 1, 3)).isEqualTo(AlertState.OK);
    assertThat(judge(days(0.5, null, 0.5), 3, 3)).isEqualTo(AlertState.OK);
    assertThat(judge(days(0.5, null, 0.5), 2, 3)).isEqualTo(AlertState.TRIGGERED);
  }

  @Test
  void nan_never_violates_even_not_equal() {
    List<WindowValue> w = List.of(new WindowValue(0, DAY, OptionalDouble.of(Double.NaN)));
    assertThat(AlertRule.judge(w, Op.NOT_EQUAL, 1, new Evaluation(1, 1)).state())
        .isEqualTo(AlertState.OK);
  }

  @Test
  void missing_windows_count_as_not_violating() {
    // days 0, 1 and 4 present; days 2 and 3 have no row
    List<WindowValue> rows = days(0.9, 0.9, null, null, 0.9);
    List<WindowValue> present = List.of(rows.get(0), rows.get(1), rows.get(4));
    List<WindowValue> w = AlertRule.latestWindows(present, DAILY, 4);
    assertThat(w).extracting(WindowValue::startMs).containsExactly(DAY, 2 * DAY, 3 * DAY, 4 * DAY);
    assertThat(w.get(1).value()).isEmpty();
    assertThat(w.get(1).endMs()).isEqualTo(3 * DAY);
    // only days 1 and 4 of the latest four violate
    assertThat(AlertRule.judge(w, Op.GREATER_THAN, 0.2, new Evaluation(2, 4)).state())
        .isEqualTo(AlertState.TRIGGERED);
    assertThat(AlertRule.judge(w, Op.GREATER_THAN, 0.2, new Evaluation(3, 4)).state())
        .isEqualTo(AlertState.OK);
  }

  @Test
  void fewer_windows_than_m_are_judged_on_those_present_without_granularity() {
    List<WindowValue> rows = days(0.9, 0.9);
    List<WindowValue> w = AlertRule.latestWindows(rows, Optional.empty(), 5);
    assertThat(w).hasSize(2);
    assertThat(AlertRule.judge(w, Op.GREATER_THAN, 0.2, new Evaluation(2, 5)).state())
        .isEqualTo(AlertState.TRIGGERED);
    assertThat(AlertRule.judge(w, Op.GREATER_THAN, 0.2, new Evaluation(3, 5)).state())
        .isEqualTo(AlertState.OK);
  }

  @Test
  void rows_in_any_order_are_judged_oldest_first() {
    List<WindowValue> rows = new ArrayList<>(days(0.1, 0.1, 0.9));
    java.util.Collections.reverse(rows);
    List<WindowValue> w = AlertRule.latestWindows(rows, DAILY, 3);
    assertThat(w).extracting(WindowValue::startMs).containsExactly(0L, DAY, 2 * DAY);
  }

  @Test
  void monthly_windows_step_back_by_calendar_month() {
    long march = java.time.Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    long april = java.time.Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
    List<WindowValue> rows =
        List.of(new WindowValue(april, april + 30 * DAY, OptionalDouble.of(1)));
    List<WindowValue> w =
        AlertRule.latestWindows(rows, Optional.of(Granularity.parse("g", "1 month")), 2);
    assertThat(w.get(0).startMs()).isEqualTo(march);
    assertThat(w.get(0).endMs()).isEqualTo(april);
  }

  @Test
  void no_windows_is_unknown() {
    assertThat(AlertRule.judge(List.of(), Op.LESS_THAN, 1, new Evaluation(1, 1)).state())
        .isEqualTo(AlertState.UNKNOWN);
  }

  @Test
  void each_op_compares_the_value_with_the_threshold() {
    assertThat(Op.GREATER_THAN.violates(2, 1)).isTrue();
    assertThat(Op.GREATER_THAN.violates(1, 1)).isFalse();
    assertThat(Op.GREATER_THAN_OR_EQUAL.violates(1, 1)).isTrue();
    assertThat(Op.GREATER_THAN_OR_EQUAL.violates(0.5, 1)).isFalse();
    assertThat(Op.LESS_THAN.violates(0.5, 1)).isTrue();
    assertThat(Op.LESS_THAN.violates(1, 1)).isFalse();
    assertThat(Op.LESS_THAN_OR_EQUAL.violates(1, 1)).isTrue();
    assertThat(Op.LESS_THAN_OR_EQUAL.violates(1.5, 1)).isFalse();
    assertThat(Op.EQUAL.violates(1, 1)).isTrue();
    assertThat(Op.EQUAL.violates(1.0000001, 1)).isFalse();
    assertThat(Op.NOT_EQUAL.violates(2, 1)).isTrue();
    assertThat(Op.NOT_EQUAL.violates(1, 1)).isFalse();
  }

  @Test
  void signature_is_hmac_sha256_of_timestamp_dot_body() throws Exception {
    byte[] body = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // independent computation with the JDK
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("s3cret".getBytes(), "HmacSHA256"));
    String expected =
        "sha256="
            + java.util.HexFormat.of().formatHex(mac.doFinal("1700000000.{\"a\":1}".getBytes()));
    assertThat(WebhookSignature.sign("s3cret", 1_700_000_000L, body)).isEqualTo(expected);
    assertThat(WebhookSignature.verify("s3cret", 1_700_000_000L, body, expected)).isTrue();
    assertThat(WebhookSignature.verify("s3cret", 1_700_000_001L, body, expected)).isFalse();
    assertThat(WebhookSignature.verify("other", 1_700_000_000L, body, expected)).isFalse();
  }

  @Test
  void webhook_urls_refuse_other_schemes_credentials_and_private_literals() {
    String f = "notifications.webhooks[0].url";
    for (String bad :
        List.of(
            "ftp://example.com/x",
            "file:///etc/passwd",
            "http://user:pw@example.com/x",
            "http:///x",
            "http://127.0.0.1/x",
            "http://169.254.169.254/latest",
            "http://10.1.2.3/x",
            "http://[::1]/x",
            "http://[fd00::1]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://0.0.0.0/x",
            "http://100.64.0.1/x",
            "not a url")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookUrls.check(f, bad, false))
          .as(bad)
          .hasMessageStartingWith(f + ":");
    }
    assertThat(WebhookUrls.check(f, "https://hooks.example.com/x?y=1", false).getHost())
        .isEqualTo("hooks.example.com");
    assertThat(WebhookUrls.check(f, "http://127.0.0.1:8080/x", true).getPort()).isEqualTo(8080);
  }
}
