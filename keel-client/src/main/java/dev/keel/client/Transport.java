package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The calls {@link TablesClient} and {@link FeatureStoreClient} make through KeelClient's HTTP. */
final class Transport {
  private final KeelClient client;

  Transport(KeelClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A JSON call: {@code body} is sent when not null; the answer is parsed. */
  JsonNode json(
      String method,
      String path,
      Map<String, List<String>> query,
      JsonNode body,
      boolean idempotent) {
    HttpRequest.Builder b = client.request(client.uri(path, query)).timeout(client.requestTimeout);
    if (body == null) {
      b.method(method, BodyPublishers.noBody());
    } else {
      byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
      b.header("Content-Type", "application/json").method(method, BodyPublishers.ofByteArray(json));
    }
    return client.call(b, idempotent, true);
  }

  /** POSTs the file as the request body, streamed from disk (never read into memory). */
  JsonNode upload(String path, Map<String, List<String>> query, Path file) {
    HttpRequest.Builder b;
    try {
      b =
          client
              .request(client.uri(path, query))
              .timeout(client.requestTimeout)
              .header("Content-Type", "application/octet-stream")
              .POST(BodyPublishers.ofFile(file));
    } catch (FileNotFoundException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot read '" + file + "': no such file", e);
    }
    return client.call(b, false, true);
  }

  /**
   * POSTs {@code body} and returns the answer's body as a stream (the caller closes it); a non-2xx
   * answer is thrown as the server's error.
   */
  InputStream stream(String path, JsonNode body) {
    byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
    HttpRequest req =
        client
            .request(client.uri(path, Map.of()))
            .timeout(client.requestTimeout)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(json))
            .build();
    HttpResponse<InputStream> resp = client.send(req, BodyHandlers.ofInputStream(), true, true);
    if (resp.statusCode() / 100 != 2) {
      byte[] error;
      try (InputStream in = resp.body()) {
        error = in.readNBytes(KeelClient.MAX_ERROR_BODY);
      } catch (IOException e) {
        error = new byte[0];
      }
      KeelClient.ensureOk(req, resp.statusCode(), error);
    }
    return resp.body();
  }

  /**
   * GETs {@code path} and returns the answer's body as a stream (the caller closes it), with the
   * answer's headers in {@code headers}; a non-2xx answer is thrown as the server's error.
   */
  InputStream get(String path, Map<String, List<String>> query, Map<String, List<String>> headers) {
    HttpRequest req =
        client.request(client.uri(path, query)).timeout(client.requestTimeout).GET().build();
    HttpResponse<InputStream> resp = client.send(req, BodyHandlers.ofInputStream(), true, true);
    if (resp.statusCode() / 100 != 2) {
      byte[] error;
      try (InputStream in = resp.body()) {
        error = in.readNBytes(KeelClient.MAX_ERROR_BODY);
      } catch (IOException e) {
        error = new byte[0];
      }
      KeelClient.ensureOk(req, resp.statusCode(), error);
    }
    headers.putAll(resp.headers().map());
    return resp.body();
  }

  /** A name as one encoded path segment. */
  static String segment(String name, String field) {
    Objects.requireNonNull(name, field);
    if (name.isBlank() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(field + " must not be empty, '.' or '..'");
    }
    return KeelClient.encode(name);
  }
}
