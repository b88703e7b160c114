package dev.keel.catalog.identity.http;

import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.PRINCIPAL;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.identity.IdentityService;
import dev.keel.catalog.identity.StoredToken;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import java.util.OptionalLong;

/**
 * Personal access tokens in Databricks' shapes under {@value #TOKEN} ({@code create}, {@code list},
 * {@code delete}: anyone authenticated, for its own tokens) and administrators' token management
 * under {@value #TOKEN_MANAGEMENT} (list, get, delete, tokens on behalf of a service principal).
 * Identities themselves: {@link ScimRoutes}.
 */
public final class TokenRoutes implements ApiModule {
  /** The personal access token prefix. */
  public static final String TOKEN = "/api/2.0/token";

  /** The token management prefix. */
  public static final String TOKEN_MANAGEMENT = "/api/2.0/token-management";

  private final IdentityService identities;

  public TokenRoutes(IdentityService identities) {
    this.identities = identities;
  }

  /** The caller's own id: routes on it are open to the caller (and administrators). */
  private static String self(Context ctx) {
    return Caller.get(ctx).id();
  }

  @Override
  public void routes(Routes r) {
    r.dialect(TOKEN, Dialect.DATABRICKS);
    r.dialect(TOKEN_MANAGEMENT, Dialect.DATABRICKS);
    Access manage = Access.of(PRINCIPAL, MANAGE);
    r.add(
        POST,
        TOKEN + "/create",
        Access.of(PRINCIPAL, EDIT).on(TokenRoutes::self),
        this::createToken);
    r.add(GET, TOKEN + "/list", Access.of(PRINCIPAL, READ).on(TokenRoutes::self), this::listTokens);
    r.add(
        POST,
        TOKEN + "/delete",
        Access.of(PRINCIPAL, EDIT).on(TokenRoutes::self),
        this::deleteToken);

    r.add(GET, TOKEN_MANAGEMENT + "/tokens", manage, this::allTokens);
    r.add(GET, TOKEN_MANAGEMENT + "/tokens/{token_id}", manage, this::getToken);
    r.add(DELETE, TOKEN_MANAGEMENT + "/tokens/{token_id}", manage, this::revokeToken);
    r.add(POST, TOKEN_MANAGEMENT + "/on-behalf-of/tokens", manage, this::createOboToken);
  }

  // ---------------------------------------------------------------- tokens

  private void createToken(Context ctx) {
    Principal p = Caller.get(ctx);
    Request req = Request.of(ctx).onlyFields("lifetime_seconds", "comment");
    ownIdentity(p);
    IdentityService.CreatedToken t =
        identities.createToken(
            p.id(), p.id(), req.int64("lifetime_seconds"), req.string("comment"));
    ObjectNode n = Json.object();
    n.put("token_value", t.value());
    n.set("token_info", publicInfo(t.info()));
    Json.write(ctx, n);
  }

  private void listTokens(Context ctx) {
    Principal p = Caller.get(ctx);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("token_infos");
    if (identities.find(p.id()).isPresent()) {
      identities.tokensOf(p.id()).forEach(t -> a.add(publicInfo(t)));
    }
    Json.write(ctx, n);
  }

  private void deleteToken(Context ctx) {
    Principal p = Caller.get(ctx);
    Request req = Request.of(ctx).onlyFields("token_id");
    identities.revokeOwn(p.id(), req.required("token_id"));
    Json.write(ctx, Json.object());
  }

  private void allTokens(Context ctx) {
    Request q = Request.ofQuery(ctx);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("token_infos");
    identities
        .tokens(
            q.string("created_by_id").filter(s -> !s.isEmpty()),
            q.string("created_by_username").filter(s -> !s.isEmpty()))
        .forEach(t -> a.add(info(t)));
    Json.write(ctx, n);
  }

  private void getToken(Context ctx) {
    ObjectNode n = Json.object();
    n.set("token_info", info(identities.token(ctx.pathParam("token_id"))));
    Json.write(ctx, n);
  }

  private void revokeToken(Context ctx) {
    identities.revoke(ctx.pathParam("token_id"));
    Json.write(ctx, Json.object());
  }

  private void createOboToken(Context ctx) {
    Principal p = Caller.get(ctx);
    Request req = Request.of(ctx).onlyFields("application_id", "lifetime_seconds", "comment");
    String applicationId = req.required("application_id");
    OptionalLong lifetime = req.int64("lifetime_seconds");
    if (lifetime.isEmpty()) {
      throw KeelException.missing("lifetime_seconds");
    }
    IdentityService.CreatedToken t =
        identities.createOnBehalfOf(applicationId, p.id(), lifetime, req.string("comment"));
    ObjectNode n = Json.object();
    n.set("token_info", info(t.info()));
    n.put("token_value", t.value());
    Json.write(ctx, n);
  }

  /** Refuses a caller with no stored identity (the local user of a server without auth). */
  private void ownIdentity(Principal p) {
    if (identities.find(p.id()).filter(i -> i.name().equals(p.name())).isEmpty()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "Tokens belong to users and service principals; "
              + p.name()
              + " is the local user of a server without authentication, who needs none. Start"
              + " the server with --auth to use tokens.");
    }
  }

  private static ObjectNode publicInfo(StoredToken t) {
    ObjectNode n = Json.object();
    n.put("token_id", t.id());
    n.put("creation_time", t.createdAt());
    n.put("expiry_time", t.expiresAt().orElse(-1));
    t.comment().ifPresent(c -> n.put("comment", c));
    return n;
  }

  private static ObjectNode info(StoredToken t) {
    ObjectNode n = publicInfo(t);
    number(n, "created_by_id", t.createdById());
    n.put("created_by_username", t.createdByName());
    number(n, "owner_id", t.ownerId());
    return n;
  }

  /** Ids are digits, which Databricks clients read as numbers. */
  private static void number(ObjectNode n, String field, String id) {
    try {
      n.put(field, Long.parseLong(id));
    } catch (NumberFormatException e) {
      n.put(field, id);
    }
  }
}
