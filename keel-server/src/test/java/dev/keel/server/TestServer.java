package dev.keel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A real Keel server on port 0 plus a small raw HTTP client for API tests. */
public final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final KeelServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String authorization; // sent as Authorization on every request; null for none
  private final boolean owner; // closes the server
  private final boolean principals; // started with TestPrincipals: callers named by the token
  private final Set<String> created; // identities created through this server's SCIM API

  private TestServer(KeelServer server) {
    this(server, null, true, false, ConcurrentHashMap.newKeySet());
  }

  private TestServer(
      KeelServer server,
      String authorization,
      boolean owner,
      boolean principals,
      Set<String> created) {
    this.server = server;
    this.authorization = authorization;
    this.owner = owner;
    this.principals = principals;
    this.created = created;
  }

  /**
   * This server, seen by a client that sends {@code authorization} (e.g. {@code Bearer dapi...}, or
   * {@link TestPrincipals#bearer}) on every request; closing the view leaves the server running. On
   * a server started with {@link #startWithPrincipals}, the user a {@link TestPrincipals#bearer}
   * names and its groups are created first (once), so grants and access lists may name them.
   */
  public TestServer as(String authorization) {
    if (principals && authorization != null && authorization.startsWith("Bearer as:")) {
      dev.keel.core.Principal p =
          TestPrincipals.parse(authorization.substring("Bearer as:".length()));
      user(p.name());
      p.groups().forEach(this::group);
    }
    return new TestServer(server, authorization, false, principals, created);
  }

  /**
   * Creates the users {@code userNames} through the SCIM API as an administrator (an existing one
   * is left as it is); grants, access control lists and owners may name only principals that exist.
   */
  public TestServer user(String... userNames) {
    for (String n : userNames) {
      create("Users", "USER", JSON.createObjectNode().put("userName", n));
    }
    return this;
  }

  /** Creates the groups {@code displayNames} (see {@link #user}). */
  public TestServer group(String... displayNames) {
    for (String n : displayNames) {
      create("Groups", "GROUP", JSON.createObjectNode().put("displayName", n));
    }
    return this;
  }

  /** Creates the service principals {@code applicationIds} (see {@link #user}). */
  public TestServer servicePrincipal(String... applicationIds) {
    for (String n : applicationIds) {
      create(
          "ServicePrincipals",
          "SERVICE_PRINCIPAL",
          JSON.createObjectNode().put("applicationId", n).put("displayName", n));
    }
    return this;
  }

  private void create(String resources, String kind, com.fasterxml.jackson.databind.JsonNode body) {
    String name =
        body.path(
                body.has("userName")
                    ? "userName"
                    : body.has("applicationId") ? "applicationId" : "displayName")
            .asText();
    if (!created.add(kind + ":" + name.toLowerCase(java.util.Locale.ROOT))) {
      return;
    }
    TestServer admin =
        new TestServer(
            server,
            principals ? TestPrincipals.bearer("keel", "admins") : authorization,
            false,
            principals,
            created);
    Response r = admin.post("/api/2.0/preview/scim/v2/" + resources, body.toString());
    if (r.status() != 201 && r.status() != 200 && r.status() != 409) {
      created.remove(kind + ":" + name.toLowerCase(java.util.Locale.ROOT));
      throw new AssertionError(
          "cannot create " + resources + " " + name + ": " + r.status() + " " + r.body());
    }
  }

  /** Starts a server on SQLite in {@code dataDir}. */
  public static TestServer start(Path dataDir) {
    return new TestServer(KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, "")));
  }

  /** Starts a server on SQLite in {@code dataDir} whose endpoints load with {@code loader}. */
  public static TestServer start(Path dataDir, dev.keel.serving.ModelLoader loader) {
    return new TestServer(KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""), loader));
  }

  /** Starts a server with {@code config}. */
  public static TestServer start(KeelConfig config) {
    return new TestServer(KeelServer.start(config));
  }

  /**
   * Starts a server whose callers are named by {@link TestPrincipals}: {@code Authorization: Bearer
   * as:alice} is user alice, {@code as:bob:analysts,admins} is bob in those groups (in {@code
   * admins}: an administrator); no header answers 401. For authorization tests; authentication
   * itself is tested with real tokens. {@link #as} creates the user and groups a token names; other
   * principals that grants name are created with {@link #user}, {@link #group}, {@link
   * #servicePrincipal}.
   */
  public static TestServer startWithPrincipals(KeelConfig config) {
    return new TestServer(
        KeelServer.start(config, new dev.keel.serving.ModelLoader(), TestPrincipals.GUARD),
        null,
        true,
        true,
        ConcurrentHashMap.newKeySet());
  }

  /**
   * Starts a server with authentication on ({@code auth=true}) on SQLite in {@code dataDir}; the
   * first administrator's token is in {@link #adminToken()}. The returned view sends no
   * credentials: use {@link #as} with {@code "Bearer " + adminToken()}.
   */
  public static TestServer startWithAuth(Path dataDir) {
    return startWithAuth(new KeelConfig("127.0.0.1", 0, dataDir, ""));
  }

  /** Starts a server with {@code config} and authentication on (see {@link #startWithAuth}). */
  public static TestServer startWithAuth(KeelConfig config) {
    return new TestServer(
        KeelServer.start(config.with(dev.keel.catalog.identity.AuthSettings.AUTH, "true")));
  }

  /** The token in the data dir's {@code admin-token} file, written at the first start with auth. */
  public String adminToken() {
    try {
      return java.nio.file.Files.readString(server.dataDir().resolve("admin-token")).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Starts a server on the given JDBC URL. */
  public static TestServer start(Path dataDir, String dbUrl) {
    return new TestServer(KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, dbUrl)));
  }

  public KeelServer server() {
    return server;
  }

  public String url() {
    return server.url();
  }

  /** A response: status and body (parsed as JSON when it is JSON). */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String errorCode() {
      return json().path("error_code").asText();
    }

    /** The body as JSON; an empty body is {@code {}}, a non-JSON body a text node. */
    public JsonNode jsonOrText() {
      if (body.isEmpty()) {
        return JSON.createObjectNode();
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return JSON.getNodeFactory().textNode(body);
      }
    }
  }

  /** Any method with an optional JSON body ({@code null} for none). */
  public Response send(String method, String path, String jsonBody) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody)));
  }

  public Response post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response post(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** POST with an explicit content type. */
  public Response sendRaw(String path, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).GET());
  }

  /** GET with a raw, unnormalised path (for path-traversal tests). */
  public Response getRaw(String rawPath) {
    return send(HttpRequest.newBuilder(URI.create(url() + rawPath)).GET());
  }

  public Response put(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE());
  }

  private Response send(HttpRequest.Builder b) {
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r =
          http.send(
              b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (owner) {
      server.close();
    }
  }
}
