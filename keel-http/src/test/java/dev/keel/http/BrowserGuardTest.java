package dev.keel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.HandlerType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the browser guard: its settings, Host parsing, media types, declarations. */
class BrowserGuardTest {
  @Test
  void origins_are_normalized_and_wildcards_refused() {
    assertThat(BrowserSettings.origins(" https://App.Example.com:443 , http://localhost:3000,"))
        .containsExactly("https://app.example.com", "http://localhost:3000");
    for (String bad :
        new String[] {
          "*", "null", "ftp://x", "https://x/path", "https://x?q", "x.example", "https://"
        }) {
      assertThatThrownBy(() -> BrowserSettings.origins(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void host_names_are_checked() {
    assertThat(BrowserSettings.hosts("Keel.Example.com., .corp.example, *"))
        .containsExactly("keel.example.com", ".corp.example", "*");
    for (String bad : new String[] {"http://keel", "keel:8080", "keel/x", "a b"}) {
      assertThatThrownBy(() -> BrowserSettings.hosts(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void host_headers_are_parsed_to_their_name() {
    assertThat(BrowserGuard.hostName("Keel.Example.COM:8080")).isEqualTo("keel.example.com");
    assertThat(BrowserGuard.hostName("[::1]:8080")).isEqualTo("[::1]");
    assertThat(BrowserGuard.hostName("localhost.")).isEqualTo("localhost");
    assertThat(BrowserGuard.ipLiteral("127.0.0.1")).isTrue();
    assertThat(BrowserGuard.ipLiteral("[::ffff:10.0.0.1]")).isTrue();
    assertThat(BrowserGuard.ipLiteral("256.0.0.1")).isFalse();
    assertThat(BrowserGuard.ipLiteral("127.0.0.1.evil.example")).isFalse();
    assertThat(BrowserGuard.ipLiteral("0x7f.0.0.1")).isFalse();
  }

  @Test
  void same_origin_is_the_host_and_port_of_the_request() {
    assertThat(BrowserGuard.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(BrowserGuard.sameOrigin("https://keel.example.com", "keel.example.com")).isTrue();
    assertThat(BrowserGuard.sameOrigin("http://127.0.0.1:3000", "127.0.0.1:8080")).isFalse();
    assertThat(BrowserGuard.sameOrigin("null", "127.0.0.1:8080")).isFalse();
    assertThat(BrowserGuard.sameOrigin("file://127.0.0.1:8080", "127.0.0.1:8080")).isFalse();
  }

  @Test
  void media_types_match_without_parameters_and_json_takes_suffixes() {
    assertThat(Accepts.JSON.takes("application/json; charset=UTF-8")).isTrue();
    assertThat(Accepts.JSON.takes("application/scim+json")).isTrue();
    assertThat(Accepts.JSON.takes("text/plain")).isFalse();
    assertThat(Accepts.JSON.takes("application/x-www-form-urlencoded")).isFalse();
    assertThat(Accepts.JSON.takes("text/json")).isFalse();
    assertThat(Accepts.of("text/csv").takes("TEXT/CSV;charset=utf-8")).isTrue();
    assertThat(Accepts.ANY.takes("text/plain")).isTrue();
  }

  @Test
  void a_post_route_cannot_take_a_type_any_page_can_send() {
    for (Accepts a :
        List.of(Accepts.ANY, Accepts.of("text/plain"), Accepts.of("multipart/form-data"))) {
      ApiModule bad = r -> r.add(HandlerType.POST, "/x", Access.open(), a, ctx -> {});
      assertThatThrownBy(
              () ->
                  HttpServer.start(
                      new HttpServer.Options("127.0.0.1", 0, 1024, "t", 8),
                      List.of(bad),
                      new HttpMetrics()))
          .as(a.toString())
          .satisfies(
              e -> {
                Throwable t = e;
                while (t.getCause() != null && !(t instanceof IllegalArgumentException)) {
                  t = t.getCause();
                }
                assertThat(t).isInstanceOf(IllegalArgumentException.class);
                assertThat(t.getMessage()).contains("POST [/x]");
              });
    }
  }
}
