package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One benchmark client: its own {@link HttpClient} (HTTP/1.1, keep-alive), so N clients are N
 * connections, as N users would be. Thread-confined by convention (one per worker thread).
 */
final class Client implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http;
  private final String base;

  Client(String baseUrl) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.base = baseUrl;
  }

  /** POSTs {@code body}; returns the response body, or throws {@link Failure} for a non-200. */
  byte[] post(String path, byte[] body) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw new Failure(
          path
              + " -> "
              + resp.statusCode()
              + " "
              + new String(resp.body(), StandardCharsets.UTF_8));
    }
    return resp.body();
  }

  JsonNode postJson(String path, Object body) throws IOException, InterruptedException {
    return JSON.readTree(post(path, JSON.writeValueAsBytes(body)));
  }

  JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw new Failure(
          path
              + " -> "
              + resp.statusCode()
              + " "
              + new String(resp.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(resp.body());
  }

  int get(String path) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Sends {@code method} with a JSON (or raw) body; returns the body, or throws on a non-200. */
  byte[] send(String method, String path, byte[] body) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return checked(path, http.send(req, HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** GETs {@code path}; returns the body, or throws {@link Failure} for a non-200. */
  byte[] getBytes(String path) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build();
    return checked(path, http.send(req, HttpResponse.BodyHandlers.ofByteArray()));
  }

  private static byte[] checked(String path, HttpResponse<byte[]> resp) throws Failure {
    if (resp.statusCode() != 200) {
      throw new Failure(
          path
              + " -> "
              + resp.statusCode()
              + " "
              + new String(resp.body(), StandardCharsets.UTF_8));
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
