package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP server for wire-shape tests: it records every request and answers each {@code METHOD
 * path} with the answers queued for it, in order (the last one repeats); anything else is a 404
 * with Databricks' error shape.
 */
public final class FakeApi implements AutoCloseable {
  /** A request as received: method, raw path (still encoded), query and body. */
  public record Request(String method, String path, String query, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return KeelJson.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();

  /** Starts the server on a free port of 127.0.0.1. */
  public FakeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = ex.getRequestURI().getRawPath();
          String method = ex.getRequestMethod();
          requests.add(new Request(method, path, ex.getRequestURI().getRawQuery(), body));
          Deque<Answer> queue = answers.get(method + " " + path);
          Answer a;
          if (queue == null || queue.isEmpty()) {
            a =
                new Answer(
                    404,
                    "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no " + path + "\"}");
          } else {
            a = queue.size() > 1 ? queue.removeFirst() : queue.peekFirst();
          }
          byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(a.status(), bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.start();
  }

  /** Queues an answer for {@code METHOD path} (path as sent, encoded). */
  public FakeApi on(String method, String path, int status, String body) {
    answers
        .computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
        .addLast(new Answer(status, body));
    return this;
  }

  /** A 200 answer. */
  public FakeApi on(String method, String path, String body) {
    return on(method, path, 200, body);
  }

  /** The text of a test resource. */
  public static String resource(String name) {
    try (InputStream in = FakeApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every request received so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The last request received. */
  public Request last() {
    return requests.get(requests.size() - 1);
  }

  /** A client on this server. */
  public KeelClient client() {
    return new KeelClient(url());
  }

  /** The server's base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
