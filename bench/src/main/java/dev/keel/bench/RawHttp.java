package dev.keel.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A lean HTTP/1.1 client for the load generator: one keep-alive connection on a blocking socket,
 * request written and answer read by the calling thread. The JDK's {@code HttpClient} hands every
 * exchange between the caller, its selector thread and an executor; on a 2-core machine shared with
 * the server those wake-ups land in the measured latency, which is the load generator's cost, not
 * the server's. wrk and KServe's load tests use an equally direct client. Thread-confined.
 */
final class RawHttp implements AutoCloseable {
  /** One answer: status, headers (lower-case names) and body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final String host;
  private final int port;
  private final String authorization;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawHttp(String baseUrl) {
    this(baseUrl, null);
  }

  /**
   * A client that sends {@code Authorization: Bearer <token>} with every request; no header when
   * {@code token} is null or empty.
   */
  RawHttp(String baseUrl, String token) {
    URI u = URI.create(baseUrl);
    this.host = u.getHost();
    this.port = u.getPort();
    this.authorization =
        token == null || token.isEmpty() ? null : "Authorization: Bearer " + token + "\r\n";
  }

  Response send(String method, String path, String contentType, byte[] body) throws IOException {
    for (int attempt = 0; ; attempt++) {
      boolean fresh = socket == null;
      try {
        if (fresh) {
          connect();
        }
        write(method, path, contentType, body);
        return read();
      } catch (IOException e) {
        close();
        // a kept-alive connection the server closed while idle: retry once on a new one
        if (fresh || attempt > 0) {
          throw e;
        }
      }
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(host, port), 10_000);
    s.setSoTimeout(120_000);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
    out = s.getOutputStream();
  }

  private void write(String method, String path, String contentType, byte[] body)
      throws IOException {
    StringBuilder h = new StringBuilder(320);
    h.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ");
    h.append(host).append(':').append(port).append("\r\n");
    if (authorization != null) {
      h.append(authorization);
    }
    if (body != null) {
      h.append("Content-Type: ").append(contentType).append("\r\n");
      h.append("Content-Length: ").append(body.length).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null || head.length + body.length > 64 * 1024) {
      out.write(head);
      if (body != null) {
        out.write(body);
      }
    } else { // one segment for a small request
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      out.write(all);
    }
    out.flush();
  }

  private Response read() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    Map<String, String> headers = new HashMap<>();
    String l;
    while (!(l = line()).isEmpty()) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.put(
            l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int n;
      while ((n = Integer.parseInt(chunkSize(line()), 16)) > 0) {
        b.write(in.readNBytes(n));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      body = b.toByteArray();
    } else {
      body = in.readAllBytes();
      close();
    }
    if ("close".equalsIgnoreCase(headers.get("connection"))) {
      close();
    }
    return new Response(code, headers, body);
  }

  private static String chunkSize(String line) {
    int semi = line.indexOf(';');
    return (semi < 0 ? line : line.substring(0, semi)).trim();
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed by the server");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
