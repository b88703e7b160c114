package dev.keel.http;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow clients cannot starve the server: many more connections than request threads, each sending
 * its body (or its headers) a byte at a time, leave a normal request answered at once; connections
 * that stop sending are closed by the idle timeout.
 */
class SlowClientsIT {
  private static final int THREADS = 10;
  private static final int SLOW_CLIENTS = 3 * THREADS;
  // Far below the 30 s that the slow clients would hold the threads without the limits.
  private static final long PING_TIMEOUT = 5_000;
  // The attack: 250 connections, each holding a small body open.
  private static final int MANY_SLOW_CLIENTS = 250;
  // Far below the 30 s idle timeout that held them before.
  private static final long CUT_BOUND_MILLIS = 8_000;

  private HttpServer server;
  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() {
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "slow-test", THREADS, 2_000, 100),
            List.of(echoModule()),
            new HttpMetrics());
  }

  private static ApiModule echoModule() {
    return r -> {
      r.add(GET, "/ping", Access.open(), ctx -> ctx.result("pong"));
      r.add(
          POST,
          "/echo",
          Access.open(),
          ctx -> ctx.result(Integer.toString(ctx.bodyAsBytes().length)));
    };
  }

  @AfterEach
  void stop() throws IOException {
    trickle.shutdownNow();
    for (Socket s : sockets) {
      s.close();
    }
    server.close();
  }

  @Test
  void slow_bodies_do_not_hold_the_request_threads() throws Exception {
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      OutputStream out = openSmallBody();
      trickle(out, (byte) ' ');
    }
    assertNormalRequestsAreAnswered();
  }

  @Test
  void slow_headers_do_not_hold_the_request_threads() throws Exception {
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      Socket s = open();
      OutputStream out = s.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      trickle(out, (byte) 'a');
    }
    assertNormalRequestsAreAnswered();
  }

  @Test
  void connections_that_stop_sending_headers_are_closed_by_the_idle_timeout() throws Exception {
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      Socket s = open();
      OutputStream out = s.getOutputStream();
      out.write("GET /ping HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    assertNormalRequestsAreAnswered();
    assertAllCut(System.nanoTime(), 15_000);
  }

  @Test
  void a_body_that_arrives_at_a_normal_pace_is_read_whole() throws Exception {
    String body = "x".repeat(600_000); // larger than the part read before a thread is taken
    HttpResponse<String> r =
        client()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/echo"))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("600000");
  }

  @Test
  void small_bodies_trickled_or_stopped_part_way_are_cut_within_seconds_not_the_idle_timeout()
      throws Exception {
    // the defaults (30 s idle timeout, 1 KiB/s): the small bodies are read before a thread is
    // taken, so only the eager-phase bound can close these connections before 30 s
    server.close();
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "slow-test", THREADS),
            List.of(echoModule()),
            new HttpMetrics());
    for (int i = 0; i < MANY_SLOW_CLIENTS; i++) {
      OutputStream out = openSmallBody();
      if (i % 2 == 0) {
        trickle(out, (byte) ' ', 10_000); // the attack: a byte every 10 s
      } // else: stopped part-way, never sends the rest
    }
    long opened = System.nanoTime();
    assertNormalRequestsAreAnswered();
    long cutMillis = assertAllCut(opened, CUT_BOUND_MILLIS);
    System.out.printf(
        "%d small slow bodies: the last was cut %d ms after the last connection opened%n",
        MANY_SLOW_CLIENTS, cutMillis);
  }

  /** The client's pace: a byte every 300 ms (the attack in the issue used one per 10 s). */
  private void trickle(OutputStream out, byte b) {
    trickle(out, b, 300);
  }

  private void trickle(OutputStream out, byte b, long everyMillis) {
    trickle.scheduleWithFixedDelay(
        () -> {
          try {
            out.write(b);
            out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // cut by the server: stop sending
          }
        },
        everyMillis,
        everyMillis,
        TimeUnit.MILLISECONDS);
  }

  /** A connection that has sent the headers and the first byte of a 1,000-byte body. */
  private OutputStream openSmallBody() throws IOException {
    OutputStream out = open().getOutputStream();
    out.write(
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return out;
  }

  private Socket open() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(15_000);
    sockets.add(s);
    return s;
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Requests on fresh connections answer while every slow client is still connected. */
  private void assertNormalRequestsAreAnswered() throws Exception {
    HttpClient c = client();
    for (int i = 0; i < 2 * THREADS; i++) {
      HttpResponse<String> r =
          c.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/ping"))
                  .timeout(Duration.ofMillis(PING_TIMEOUT))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("pong");
      HttpResponse<String> e =
          c.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/echo"))
                  .timeout(Duration.ofMillis(PING_TIMEOUT))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(e.body()).isEqualTo("7");
    }
  }

  /**
   * Every slow connection gets a 408 or is closed by the server within {@code boundMillis} of
   * {@code since}; returns when the last one was, in ms after {@code since}.
   */
  private long assertAllCut(long since, long boundMillis) throws IOException {
    long last = 0;
    for (Socket s : sockets) {
      InputStream in = s.getInputStream();
      StringBuilder got = new StringBuilder();
      byte[] buf = new byte[4096];
      try {
        int n;
        do {
          long left = boundMillis - (System.nanoTime() - since) / 1_000_000;
          s.setSoTimeout((int) Math.max(1, left));
          n = in.read(buf);
          if (n > 0) {
            got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
        } while (n > 0);
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "a slow connection was still open " + boundMillis + " ms on: " + got, e);
      } catch (IOException e) {
        // reset by the server: cut
      }
      last = Math.max(last, (System.nanoTime() - since) / 1_000_000);
      if (!got.isEmpty()) {
        assertThat(got.toString()).startsWith("HTTP/1.1 408");
      }
    }
    return last;
  }
}
