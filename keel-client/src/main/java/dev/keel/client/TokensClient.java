package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The caller's personal access tokens ({@code /api/2.0/token/...}) and identity ({@code
 * /api/2.0/preview/scim/v2/Me}). Get one from {@link KeelClient#tokens()}.
 *
 * <pre>{@code
 * TokensClient tokens = keel.tokens();
 * TokensClient.Created ci = tokens.create(OptionalLong.of(86_400), "CI");
 * System.out.println(ci.value()); // shown once
 * tokens.list().forEach(t -> System.out.println(t.tokenId()));
 * tokens.delete(ci.info().tokenId());
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure. Instances are thread-safe views over
 * their {@link KeelClient}.
 */
public final class TokensClient {
  private final KeelClient client;

  TokensClient(KeelClient client) {
    this.client = client;
  }

  /**
   * A token's public information.
   *
   * @param tokenId the token's id
   * @param creationTime when it was created, epoch milliseconds
   * @param expiryTime when it expires, epoch milliseconds; -1 for never
   * @param comment what it is for; empty for none
   */
  public record TokenInfo(String tokenId, long creationTime, long expiryTime, String comment) {}

  /**
   * A token just created.
   *
   * @param value the bearer token: shown only now
   * @param info its public information
   */
  public record Created(String value, TokenInfo info) {
    @Override
    public String toString() {
      return "Created[value=***, info=" + info + "]";
    }
  }

  /**
   * Creates a token for the caller ({@code POST /api/2.0/token/create}).
   *
   * @param lifetimeSeconds how long it is valid; empty for a token that does not expire
   * @param comment what it is for; {@code ""} for none
   */
  public Created create(OptionalLong lifetimeSeconds, String comment) {
    ObjectNode body = KeelJson.object();
    lifetimeSeconds.ifPresent(l -> body.put("lifetime_seconds", l));
    if (!Objects.requireNonNull(comment, "comment").isEmpty()) {
      body.put("comment", comment);
    }
    JsonNode r = client.at("POST", "/api/2.0/token/create", Map.of(), body, false);
    return new Created(r.path("token_value").asText(), info(r.path("token_info")));
  }

  /** The caller's tokens, newest first ({@code GET /api/2.0/token/list}). */
  public List<TokenInfo> list() {
    JsonNode r = client.at("GET", "/api/2.0/token/list", Map.of(), null, true);
    List<TokenInfo> out = new ArrayList<>();
    r.path("token_infos").forEach(t -> out.add(info(t)));
    return out;
  }

  /** Revokes one of the caller's tokens ({@code POST /api/2.0/token/delete}). */
  public void delete(String tokenId) {
    ObjectNode body = KeelJson.object().put("token_id", Objects.requireNonNull(tokenId, "tokenId"));
    client.at("POST", "/api/2.0/token/delete", Map.of(), body, true);
  }

  /** Who the caller is: its SCIM user ({@code GET /api/2.0/preview/scim/v2/Me}). */
  public JsonNode me() {
    return client.at("GET", "/api/2.0/preview/scim/v2/Me", Map.of(), null, true);
  }

  private static TokenInfo info(JsonNode n) {
    return new TokenInfo(
        n.path("token_id").asText(),
        n.path("creation_time").asLong(),
        n.path("expiry_time").asLong(-1),
        n.path("comment").asText(""));
  }
}
