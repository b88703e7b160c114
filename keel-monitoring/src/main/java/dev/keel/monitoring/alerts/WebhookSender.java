package dev.keel.monitoring.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Posts one webhook delivery attempt: JSON body, {@code X-Keel-Delivery}, {@code X-Keel-Event:
 * alert.triggered}, and when the webhook has a secret {@link WebhookSignature}'s headers. Never
 * follows redirects; bounded connect and request timeouts; the response body is never read beyond
 * being discarded.
 */
final class WebhookSender {
  /** What an attempt came to. */
  enum Outcome {
    DELIVERED,
    RETRY,
    FAILED
  }

  /** The result of one attempt. */
  record Result(Outcome outcome, OptionalInt status, Optional<String> error) {}

  private final HttpClient client;
  private final Duration requestTimeout;
  private final boolean allowPrivate;
  private final java.time.Clock clock;

  WebhookSender(AlertSettings settings, java.time.Clock clock) {
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connectTimeout())
            .build();
    this.requestTimeout = settings.requestTimeout();
    this.allowPrivate = settings.allowPrivateAddresses();
    this.clock = clock;
  }

  Result send(String url, String deliveryId, Optional<String> secret, String body) {
    URI uri = URI.create(url);
    Optional<String> refused = WebhookUrls.refusal(uri.getHost(), allowPrivate);
    if (refused.isPresent()) {
      return new Result(Outcome.FAILED, OptionalInt.empty(), refused);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long ts = clock.millis() / 1000;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Keel-Alerts")
            .header("X-Keel-Event", "alert.triggered")
            .header("X-Keel-Delivery", deliveryId)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    secret.ifPresent(s -> b.header(WebhookSignature.HEADER, WebhookSignature.sign(s, ts, bytes)));
    try {
      HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
      int status = r.statusCode();
      if (status >= 200 && status < 300) {
        return new Result(Outcome.DELIVERED, OptionalInt.of(status), Optional.empty());
      }
      boolean retry = status == 408 || status == 429 || status >= 500;
      return new Result(
          retry ? Outcome.RETRY : Outcome.FAILED,
          OptionalInt.of(status),
          Optional.of(
              "HTTP "
                  + status
                  + (status >= 300 && status < 400 ? " (redirects are not followed)" : "")));
    } catch (HttpTimeoutException e) {
      return new Result(Outcome.RETRY, OptionalInt.empty(), Optional.of("timed out"));
    } catch (IOException e) {
      return new Result(
          Outcome.RETRY,
          OptionalInt.empty(),
          Optional.of(
              e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Outcome.RETRY, OptionalInt.empty(), Optional.of("interrupted"));
    }
  }
}
