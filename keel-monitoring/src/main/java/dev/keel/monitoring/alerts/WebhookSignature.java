package dev.keel.monitoring.alerts;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery: header {@code X-Keel-Signature: sha256=<hex>} where {@code
 * <hex>} is the lower-case hex HMAC-SHA256, keyed with the webhook's secret (its UTF-8 bytes), of
 * {@code <X-Keel-Timestamp> + "." + <raw request body>}; {@code X-Keel-Timestamp} is the attempt's
 * time in Unix seconds. A receiver recomputes it over the raw body bytes, compares in constant
 * time, and refuses timestamps older than a few minutes (replays).
 */
public final class WebhookSignature {
  /** The header carrying the signature. */
  public static final String HEADER = "X-Keel-Signature";

  /** The header carrying the signed timestamp (Unix seconds). */
  public static final String TIMESTAMP_HEADER = "X-Keel-Timestamp";

  private WebhookSignature() {}

  /** The header value {@code sha256=<hex>} for this body sent at {@code timestamp}. */
  public static String sign(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Whether {@code header} is the signature of this body at {@code timestamp} (constant time). */
  public static boolean verify(String secret, long timestamp, byte[] body, String header) {
    byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }
}
