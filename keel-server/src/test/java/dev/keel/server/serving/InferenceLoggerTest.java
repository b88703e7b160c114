package dev.keel.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InferenceLoggerTest {
  private static String id(String body) {
    return InferenceLogger.clientRequestId(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void client_request_id_is_the_top_level_string_field() {
    assertThat(id("{\"client_request_id\":\"a-1\",\"inputs\":[1]}")).isEqualTo("a-1");
    assertThat(id("{\"inputs\":[1],\"client_request_id\":\"a-2\"}")).isEqualTo("a-2");
    assertThat(id("{\"client\\u005frequest_id\":\"a-3\"}")).isEqualTo("a-3");
  }

  @Test
  void no_client_request_id_gives_null() {
    assertThat(id("{\"inputs\":[1]}")).isNull();
    assertThat(id("{\"inputs\":{\"client_request_id\":\"nested\"}}")).isNull();
    assertThat(id("{\"client_request_id\":7}")).isNull();
    assertThat(id("[1,2]")).isNull();
    assertThat(id("not json client_request_id")).isNull();
    assertThat(id("")).isNull();
  }
}
