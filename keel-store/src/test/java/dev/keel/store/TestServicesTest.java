package dev.keel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** When tests that need PostgreSQL or Redis skip, and when they must fail instead. */
class TestServicesTest {
  private static final String VAR = "KEEL_TEST_POSTGRES_URL";

  @Test
  void an_unset_service_skips_unless_the_run_requires_services() {
    assertThat(TestServices.url(Map.of(), false, VAR, u -> Optional.empty())).isEmpty();
    assertThat(TestServices.url(Map.of(VAR, "  "), false, VAR, u -> Optional.empty())).isEmpty();
    assertThatThrownBy(() -> TestServices.url(Map.of(), true, VAR, u -> Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(VAR + " is not set")
        .hasMessageContaining(TestServices.REQUIRE_PROPERTY);
  }

  @Test
  void a_set_service_that_does_not_answer_fails_whether_required_or_not() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort(); // closed below: connections are refused
    }
    String down = "jdbc:postgresql://127.0.0.1:" + closedPort + "/" + UUID.randomUUID();
    for (boolean required : new boolean[] {false, true}) {
      assertThatThrownBy(
              () -> TestServices.url(Map.of(VAR, down), required, VAR, TestServices::probe))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("service is down")
          .hasMessageContaining("127.0.0.1:" + closedPort);
    }
  }

  @Test
  void a_set_service_that_answers_is_used() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String up = "redis://127.0.0.1:" + s.getLocalPort() + "/" + UUID.randomUUID().hashCode();
      assertThat(TestServices.url(Map.of(VAR, " " + up + " "), true, VAR, TestServices::probe))
          .contains(up);
    }
  }
}
