package dev.keel.monitoring.alerts;

import static dev.keel.monitoring.alerts.AlertFixtures.TABLE;
import static dev.keel.monitoring.alerts.AlertFixtures.day;
import static dev.keel.monitoring.alerts.AlertFixtures.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.monitoring.alerts.AlertFixtures.P;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook deliveries to a local HTTP server (JDK HttpServer). */
class WebhookDeliveryTest {
  @TempDir Path dir;
  Database db;
  AlertFixtures.Receiver hook;
  final AlertFixtures.Monitors monitors = new AlertFixtures.Monitors().daily(TABLE, true);
  final AlertFixtures.TestClock clock =
      new AlertFixtures.TestClock(Instant.parse("2026-06-20T08:00:00Z"));
  AlertService service;

  @BeforeEach
  void open() throws Exception {
    db = TestDatabases.sqlite(dir);
    hook = new AlertFixtures.Receiver();
    service = service(true);
  }

  AlertService service(boolean allowPrivate) {
    return new AlertService(
        db,
        monitors,
        new AlertFixtures.Jobs(),
        AlertSettings.defaults().withPrivateAddresses(allowPrivate),
        clock);
  }

  @AfterEach
  void close() {
    service.close();
    hook.close();
    db.close();
  }

  private Alert alertWithHook(AlertService s, Optional<String> secret) {
    return s.create(
        AlertFixtures.withWebhooks(
            input("percent_null", "GREATER_THAN", 0.2),
            List.of(new AlertInput.WebhookInput(hook.url(), secret))),
        "alice");
  }

  private AlertMetrics fire() throws Exception {
    Path p =
        AlertFixtures.profile(
            dir, "p.parquet", List.of(P.table(day(0), 0.1), P.table(day(1), 0.6)));
    return new AlertMetrics(List.of(p), List.of());
  }

  private Delivery delivery(Alert a) {
    return service.firings(a.alertId(), 0, Optional.empty()).items().get(0).deliveries().get(0);
  }

  @Test
  void delivery_posts_the_alert_firing_and_values_signed_with_the_secret() throws Exception {
    Alert a = alertWithHook(service, Optional.of("s3cret"));
    service.evaluate(TABLE, "r1", fire());
    assertThat(service.deliverDue()).isEqualTo(1);
    assertThat(hook.received)
        .singleElement()
        .satisfies(
            r -> {
              long ts = Long.parseLong(r.headers().get("x-keel-timestamp"));
              assertThat(ts).isEqualTo(clock.millis() / 1000);
              assertThat(
                      WebhookSignature.verify(
                          "s3cret", ts, r.body(), r.headers().get("x-keel-signature")))
                  .isTrue();
              assertThat(
                      WebhookSignature.verify(
                          "wrong", ts, r.body(), r.headers().get("x-keel-signature")))
                  .isFalse();
              assertThat(r.headers().get("x-keel-delivery")).isEqualTo(delivery(a).deliveryId());
              JsonNode body = parse(r.body());
              assertThat(body.path("alert").path("alert_id").asText()).isEqualTo(a.alertId());
              assertThat(body.path("alert").path("state").asText()).isEqualTo("TRIGGERED");
              assertThat(body.toString()).doesNotContain("s3cret");
              assertThat(body.path("firing").path("value").asDouble()).isEqualTo(0.6);
              assertThat(body.path("firing").path("window").path("start").asLong())
                  .isEqualTo(AlertFixtures.dayMs(1));
              assertThat(body.path("values")).hasSize(1);
            });
    Delivery d = delivery(a);
    assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.lastStatus()).hasValue(200);
  }

  @Test
  void a_delivery_without_secret_is_unsigned() throws Exception {
    alertWithHook(service, Optional.empty());
    service.evaluate(TABLE, "r1", fire());
    service.deliverDue();
    assertThat(hook.received)
        .singleElement()
        .satisfies(r -> assertThat(r.headers()).doesNotContainKey("x-keel-signature"));
  }

  @Test
  void a_500_is_retried_after_the_back_off_then_delivered() throws Exception {
    Alert a = alertWithHook(service, Optional.of("k"));
    hook.statuses.add(500);
    service.evaluate(TABLE, "r1", fire());
    service.deliverDue();
    Delivery failed = delivery(a);
    assertThat(failed.state()).isEqualTo(Delivery.State.PENDING);
    assertThat(failed.lastStatus()).hasValue(500);
    assertThat(failed.nextAttemptMs()).isEqualTo(clock.millis() + 1_000);
    assertThat(service.deliverDue()).isZero();
    clock.advanceMillis(1_000);
    assertThat(service.deliverDue()).isEqualTo(1);
    Delivery d = delivery(a);
    assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(d.attempts()).isEqualTo(2);
    assertThat(hook.received).hasSize(2);
    assertThat(hook.received.get(0).body()).isEqualTo(hook.received.get(1).body());
  }

  @Test
  void back_off_doubles_and_gives_up_after_eight_attempts() throws Exception {
    Alert a = alertWithHook(service, Optional.empty());
    for (int i = 0; i < 10; i++) {
      hook.statuses.add(503);
    }
    service.evaluate(TABLE, "r1", fire());
    long waited = 0;
    for (int attempt = 1; attempt <= 8; attempt++) {
      assertThat(service.deliverDue()).as("attempt %d", attempt).isEqualTo(1);
      if (attempt < 8) {
        long next = delivery(a).nextAttemptMs() - clock.millis();
        assertThat(next).isEqualTo(1_000L << (attempt - 1));
        clock.advanceMillis(next);
        waited += next;
      }
    }
    assertThat(waited).isEqualTo(127_000);
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.FAILED);
    clock.advanceMillis(1_000_000);
    assertThat(service.deliverDue()).isZero();
    assertThat(hook.received).hasSize(8);
  }

  @Test
  void a_4xx_fails_at_once_but_429_is_retried() throws Exception {
    Alert a = alertWithHook(service, Optional.empty());
    hook.statuses.add(429);
    hook.statuses.add(404);
    service.evaluate(TABLE, "r1", fire());
    service.deliverDue();
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.PENDING);
    clock.advanceMillis(1_000);
    service.deliverDue();
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.FAILED);
    assertThat(delivery(a).lastStatus()).hasValue(404);
  }

  @Test
  void a_private_address_is_refused_at_delivery_unless_allowed() throws Exception {
    service.close();
    service = service(false);
    // saved while allowed (an operator turned the setting off later): delivery refuses it
    Alert a = alertWithHook(service(true), Optional.empty());
    service.evaluate(TABLE, "r1", fire());
    service.deliverDue();
    assertThat(hook.received).isEmpty();
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.FAILED);
    assertThat(delivery(a).lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("127.0.0.1"));
  }

  @Test
  void a_target_slower_than_the_request_timeout_is_retried() throws Exception {
    service.close();
    service =
        new AlertService(
            db,
            monitors,
            new AlertFixtures.Jobs(),
            new AlertSettings(
                true,
                java.time.Duration.ofSeconds(1),
                8,
                java.time.Duration.ofSeconds(1),
                java.time.Duration.ofMillis(300),
                java.time.Duration.ofSeconds(1)),
            clock);
    Alert a = alertWithHook(service, Optional.empty());
    hook.delayMillis = 3_000;
    service.evaluate(TABLE, "r1", fire());
    long t0 = System.nanoTime();
    service.deliverDue();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_500);
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.PENDING);
    assertThat(delivery(a).lastError()).hasValue("timed out");
    hook.delayMillis = 0;
    clock.advanceMillis(1_000);
    service.deliverDue();
    assertThat(delivery(a).state()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void the_background_worker_delivers_after_a_firing() throws Exception {
    alertWithHook(service, Optional.empty());
    service.start();
    service.evaluate(TABLE, "r1", fire());
    long until = System.nanoTime() + 10_000_000_000L;
    while (hook.received.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(hook.received).hasSize(1);
  }

  private static JsonNode parse(byte[] body) throws Exception {
    return new ObjectMapper().readTree(body);
  }
}
