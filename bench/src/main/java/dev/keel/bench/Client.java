package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One benchmark client: its own keep-alive connection ({@link RawHttp}), so N clients are N
 * connections, as N users would be. Thread-confined by convention (one per worker thread).
 */
final class Client implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final RawHttp http;

  Client(String baseUrl) {
    this(baseUrl, null);
  }

  /** A client sending {@code Authorization: Bearer <token>} (none when {@code token} is null). */
  Client(String baseUrl, String token) {
    this.http = new RawHttp(baseUrl, token);
  }

  /**
   * A client of {@code server} with the token the benchmark gave it ({@link ServerProcess#token}).
   */
  Client(ServerProcess server) {
    this(server.url(), server.token());
  }

  /** Sends a request and returns the answer whatever its status. */
  RawHttp.Response exchange(String method, String path, byte[] body) throws IOException {
    return http.send(method, path, body == null ? null : "application/json", body);
  }

  /** POSTs {@code body}; returns the response body, or throws {@link Failure} for a non-200. */
  byte[] post(String path, byte[] body) throws IOException {
    return send("POST", path, body);
  }

  JsonNode postJson(String path, Object body) throws IOException {
    return JSON.readTree(post(path, JSON.writeValueAsBytes(body)));
  }

  JsonNode getJson(String path) throws IOException {
    return JSON.readTree(getBytes(path));
  }

  int get(String path) throws IOException {
    return http.send("GET", path, null, null).status();
  }

  /** Sends {@code method} with a JSON (or raw) body; returns the body, or throws on a non-200. */
  byte[] send(String method, String path, byte[] body) throws IOException {
    return checked(path, http.send(method, path, "application/json", body));
  }

  /** GETs {@code path}; returns the body, or throws {@link Failure} for a non-200. */
  byte[] getBytes(String path) throws IOException {
    return checked(path, http.send("GET", path, null, null));
  }

  private static byte[] checked(String path, RawHttp.Response resp) throws Failure {
    if (resp.status() != 200) {
      throw new Failure(
          path + " -> " + resp.status() + " " + new String(resp.body(), StandardCharsets.UTF_8));
    }
    return resp.body();
  }

  @Override
  public void close() {
    http.close();
  }

  /** A non-200 answer. */
  static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message.length() > 500 ? message.substring(0, 500) + "..." : message);
    }
  }
}
