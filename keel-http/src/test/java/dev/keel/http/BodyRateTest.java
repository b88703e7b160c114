package dev.keel.http;

import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The minimum request body rate judges the client, not the server: a body sent at once is read
 * whole however long the handler pauses between its reads (Jetty's own check cut a 5-byte upload
 * whose handler paused 5 ms, and answered 500); a body trickled by the client is cut with a 408 in
 * Keel's error shape.
 */
class BodyRateTest {
  private HttpServer server;

  @BeforeEach
  void start() {
    ApiModule module =
        r -> {
          // reads a byte at a time, pausing between reads as a slow disk or a loaded host does
          r.add(
              PUT,
              "/pausing",
              Access.open(),
              Accepts.ANY,
              ctx -> {
                InputStream in = ctx.req().getInputStream();
                int n = 0;
                while (in.read() >= 0) {
                  n++;
                  Thread.sleep(60);
                }
                ctx.result(Integer.toString(n));
              });
          r.add(
              POST,
              "/echo",
              Access.open(),
              ctx -> ctx.result(Integer.toString(ctx.bodyAsBytes().length)));
        };
    server =
        HttpServer.start(
            new HttpServer.Options(
                "127.0.0.1",
                0,
                1 << 20,
                "rate-test",
                8,
                10_000,
                HttpServer.DEFAULT_MIN_REQUEST_DATA_RATE),
            List.of(module),
            new HttpMetrics());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void a_small_body_sent_at_once_is_never_cut_however_long_the_handler_pauses() throws Exception {
    HttpClient c = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          c.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/pausing"))
                  .timeout(Duration.ofSeconds(20))
                  .header("Content-Type", "application/octet-stream")
                  .PUT(HttpRequest.BodyPublishers.ofString("hello"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("5");
    }
  }

  @Test
  void a_body_trickled_by_the_client_is_cut_with_a_408_in_keels_error_shape() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 300000\r\n\r\n[")
              .getBytes(StandardCharsets.US_ASCII));
      // past the part read before the request takes a thread, sent at once; then a trickle
      out.write(
          " ".repeat(HttpServer.EAGER_BODY_BYTES + 8_000).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      String answer = null;
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      // 5 bytes a second, far below the 1 KiB/s minimum, until the server answers or closes
      while (System.nanoTime() - start < 15_000_000_000L) {
        try {
          out.write(' ');
          out.flush();
        } catch (IOException e) {
          break; // closed by the server
        }
        Thread.sleep(200);
        if (in.available() > 0) {
          break;
        }
      }
      byte[] buf = new byte[4096];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          got.write(buf, 0, n);
        }
      } catch (IOException e) {
        // reset after the answer
      }
      answer = got.toString(StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(answer)
          .contains("\"error_code\":\"REQUEST_TIMEOUT\"")
          .contains("bytes per second");
      assertThat(answer.toLowerCase()).contains("connection: close");
    }
  }

  @Test
  void a_small_body_stopped_part_way_is_cut_with_a_408_within_seconds() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(8_000); // the idle timeout here is 10 s: an answer before it is the bound's
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n[1,")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAll(s.getInputStream());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(answer)
          .contains("\"error_code\":\"REQUEST_TIMEOUT\"")
          .contains("bytes per second");
      assertThat(answer.toLowerCase()).contains("connection: close");
      assertThat(millis).isBetween(EagerBodyRate.GRACE_MILLIS - 100, 5_000L);
    }
  }

  @Test
  void a_small_body_sent_slowly_but_above_the_minimum_rate_is_read_whole() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      int length = 8_000;
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                  + "Connection: close\r\nContent-Length: "
                  + length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // 500 bytes every 200 ms: 2,500 B/s for 3.2 s, past the grace, above the 1,024 B/s minimum
      for (int sent = 0; sent < length; sent += 500) {
        out.write(" ".repeat(500).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200);
      }
      String answer = readAll(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + length);
    }
  }

  private static String readAll(InputStream in) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        got.write(buf, 0, n);
      }
    } catch (IOException e) {
      // reset after the answer
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }
}
