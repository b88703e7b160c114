package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.http.Access;
import io.javalin.router.ParsedEndpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every HTTP route declares the securable and privilege it needs. */
class RouteAccessTest {
  @TempDir Path dir;

  @Test
  void every_route_declares_its_securable_and_privilege() {
    try (TestServer s = TestServer.start(dir)) {
      List<ParsedEndpoint> endpoints = s.server().endpoints();
      assertThat(endpoints).hasSizeGreaterThan(40);
      List<String> undeclared =
          endpoints.stream()
              .filter(e -> e.endpoint.metadata(Access.class) == null)
              .map(e -> e.endpoint.method + " " + e.endpoint.path)
              .toList();
      assertThat(undeclared).as("routes without an Access declaration").isEmpty();
    }
  }
}
