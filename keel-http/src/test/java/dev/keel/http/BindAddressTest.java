package dev.keel.http;

import static io.javalin.http.HandlerType.GET;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server says where it really listens, and warns loudly when other machines can reach it. */
class BindAddressTest {
  private static final ApiModule PING =
      r -> r.add(GET, "/ping", Access.open(), ctx -> ctx.result("pong"));

  private static HttpServer start(String host) {
    return HttpServer.start(
        new HttpServer.Options(host, 0, 1 << 20, "bind-test", 10),
        List.of(PING),
        new HttpMetrics());
  }

  @Test
  void all_interfaces_are_named_as_such_with_a_usable_url_and_a_warning() {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HttpServer server;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      server = start("0.0.0.0");
    } finally {
      System.setErr(err);
    }
    try (server) {
      assertThat(server.boundAddress().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(server.exposed()).isTrue();
      assertThat(server.listening())
          .startsWith("all interfaces (0.0.0.0:" + server.port() + "): ")
          .contains("http://127.0.0.1:" + server.port() + " on this machine");
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
      String logged = log.toString(StandardCharsets.UTF_8);
      assertThat(logged)
          .contains("WARN")
          .contains("this server does not authenticate requests")
          .contains("all interfaces (0.0.0.0:" + server.port() + ")");
    }
  }

  @Test
  void an_exposed_server_that_authenticates_logs_no_warning() {
    Authenticator auth =
        new Authenticator() {
          @Override
          public boolean authenticates() {
            return true;
          }

          @Override
          public void check(io.javalin.http.Context ctx, Access access) {
            Caller.set(ctx, dev.keel.core.Principal.LOCAL);
          }
        };
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HttpServer server;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      server =
          HttpServer.start(
              new HttpServer.Options("0.0.0.0", 0, 1 << 20, "bind-test", 10),
              List.of(PING),
              new HttpMetrics(),
              new HttpServer.Edge(List.of(auth), List.of()));
    } finally {
      System.setErr(err);
    }
    try (server) {
      assertThat(server.exposed()).isTrue();
      assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("SECURITY WARNING");
    }
  }

  @Test
  void loopback_is_not_exposed_and_logs_no_warning() {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HttpServer server;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      server = start("127.0.0.1");
    } finally {
      System.setErr(err);
    }
    try (server) {
      assertThat(server.exposed()).isFalse();
      assertThat(server.listening()).isEqualTo("http://127.0.0.1:" + server.port());
      assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("no authentication");
    }
  }
}
