package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Users, groups and service principals over SCIM ({@code /api/2.0/preview/scim/v2/...}), and tokens
 * issued by an administrator ({@code /api/2.0/token-management/on-behalf-of/tokens}). Every call
 * but {@link #me()} is for administrators. Identities are named as grants name them: a user's
 * {@code userName}, a group's {@code displayName}, a service principal's {@code applicationId}. Get
 * one from {@link KeelClient#identities()}.
 *
 * <pre>{@code
 * IdentitiesClient ids = keel.identities();
 * ids.create(IdentitiesClient.Kind.USER, "alice@example.com", "Alice");
 * ids.create(IdentitiesClient.Kind.GROUP, "analysts", "");
 * ids.addMember("analysts", "alice@example.com");
 * TokensClient.Created first = ids.createToken("alice@example.com", OptionalLong.of(86_400), "first");
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure. Instances are thread-safe views over
 * their {@link KeelClient}.
 */
public final class IdentitiesClient {
  private static final String SCIM = "/api/2.0/preview/scim/v2/";

  private final KeelClient client;

  IdentitiesClient(KeelClient client) {
    this.client = client;
  }

  /** The kinds of identity. */
  public enum Kind {
    USER("Users", "userName"),
    GROUP("Groups", "displayName"),
    SERVICE_PRINCIPAL("ServicePrincipals", "applicationId");

    final String path;
    final String nameAttribute;

    Kind(String path, String nameAttribute) {
      this.path = path;
      this.nameAttribute = nameAttribute;
    }
  }

  /**
   * A user, group or service principal.
   *
   * @param kind what it is
   * @param id its id
   * @param name the name grants use
   * @param displayName its display name
   * @param active whether it may sign in (groups: always)
   * @param groups the groups it is a direct member of, by name
   * @param members a group's direct members, by display name (a user's displayName, else the name;
   *     empty for others)
   */
  public record Identity(
      Kind kind,
      String id,
      String name,
      String displayName,
      boolean active,
      List<String> groups,
      List<String> members) {}

  /**
   * Creates an identity.
   *
   * @param name the user's userName, the group's displayName, or the service principal's
   *     applicationId ({@code ""} for a generated one)
   * @param displayName a user's or service principal's display name; {@code ""} for none
   */
  public Identity create(Kind kind, String name, String displayName) {
    ObjectNode body = KeelJson.object();
    if (!Objects.requireNonNull(name, "name").isEmpty()) {
      body.put(kind.nameAttribute, name);
    }
    if (kind != Kind.GROUP && !displayName.isEmpty()) {
      body.put("displayName", displayName);
    }
    return identity(kind, client.at("POST", SCIM + kind.path, Map.of(), body, false));
  }

  /** Every identity of {@code kind}, by name. */
  public List<Identity> list(Kind kind) {
    List<Identity> out = new ArrayList<>();
    long start = 1;
    while (true) {
      JsonNode page =
          client.at(
              "GET",
              SCIM + kind.path,
              Map.of("startIndex", List.of(Long.toString(start)), "count", List.of("1000")),
              null,
              true);
      JsonNode items = page.path("Resources");
      if (items.isEmpty()) {
        return out;
      }
      items.forEach(i -> out.add(identity(kind, i)));
      start += items.size();
    }
  }

  /** The identity of {@code kind} named {@code name} (ignoring case). */
  public Optional<Identity> find(Kind kind, String name) {
    String filter =
        kind.nameAttribute + " eq \"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    JsonNode page =
        client.at("GET", SCIM + kind.path, Map.of("filter", List.of(filter)), null, true);
    JsonNode items = page.path("Resources");
    return items.isEmpty() ? Optional.empty() : Optional.of(identity(kind, items.get(0)));
  }

  /** Deletes the identity of {@code kind} named {@code name}, its memberships and its tokens. */
  public void delete(Kind kind, String name) {
    client.at("DELETE", SCIM + kind.path + "/" + require(kind, name).id(), Map.of(), null, true);
  }

  /** Adds {@code member} (a user, group or service principal, by name) to {@code group}. */
  public void addMember(String group, String member) {
    membership(group, member, "add", "members");
  }

  /** Removes {@code member} (by name) from {@code group}. */
  public void removeMember(String group, String member) {
    membership(group, member, "remove", null);
  }

  private void membership(String group, String member, String op, String path) {
    Identity g = require(Kind.GROUP, group);
    Identity m =
        find(Kind.USER, member)
            .or(() -> find(Kind.SERVICE_PRINCIPAL, member))
            .or(() -> find(Kind.GROUP, member))
            .orElseThrow(() -> notFound("user, group or service principal", member));
    ObjectNode body = KeelJson.object();
    body.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:PatchOp");
    ObjectNode operation = body.putArray("Operations").addObject().put("op", op);
    if (path != null) {
      operation.put("path", path);
      operation.putArray("value").addObject().put("value", m.id());
    } else {
      operation.put("path", "members[value eq \"" + m.id() + "\"]");
    }
    client.at("PATCH", SCIM + "Groups/" + g.id(), Map.of(), body, false);
  }

  /**
   * Issues a token for the service principal (or, a Keel extension, the user) named {@code name}
   * ({@code POST /api/2.0/token-management/on-behalf-of/tokens}).
   */
  public TokensClient.Created createToken(
      String name, OptionalLong lifetimeSeconds, String comment) {
    ObjectNode body = KeelJson.object().put("application_id", Objects.requireNonNull(name, "name"));
    lifetimeSeconds.ifPresent(l -> body.put("lifetime_seconds", l));
    if (!comment.isEmpty()) {
      body.put("comment", comment);
    }
    JsonNode r =
        client.at("POST", "/api/2.0/token-management/on-behalf-of/tokens", Map.of(), body, false);
    JsonNode i = r.path("token_info");
    return new TokensClient.Created(
        r.path("token_value").asText(),
        new TokensClient.TokenInfo(
            i.path("token_id").asText(),
            i.path("creation_time").asLong(),
            i.path("expiry_time").asLong(-1),
            i.path("comment").asText("")));
  }

  /** Who the caller is. */
  public Identity me() {
    return identity(Kind.USER, client.at("GET", SCIM + "Me", Map.of(), null, true));
  }

  private Identity require(Kind kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> notFound(kind.name().toLowerCase(Locale.ROOT).replace('_', ' '), name));
  }

  private static KeelClientException notFound(String what, String name) {
    return new KeelClientException(
        "RESOURCE_DOES_NOT_EXIST", 404, "No " + what + " named " + name + ".");
  }

  private static Identity identity(Kind kind, JsonNode n) {
    return new Identity(
        kind,
        n.path("id").asText(),
        n.path(kind.nameAttribute).asText(),
        n.path("displayName").asText(""),
        n.path("active").asBoolean(true),
        names(n.path("groups")),
        names(n.path("members")));
  }

  private static List<String> names(JsonNode refs) {
    List<String> out = new ArrayList<>();
    if (refs instanceof ArrayNode a) {
      a.forEach(r -> out.add(r.path("display").asText(r.path("value").asText())));
    }
    return out;
  }
}
