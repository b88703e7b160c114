package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.http.HttpServer;
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
      List<HttpServer.Route> routes = s.server().routes();
      assertThat(routes).hasSizeGreaterThan(40);
      List<String> undeclared =
          routes.stream()
              .filter(r -> r.access() == null || r.dialect() == null)
              .map(r -> r.method() + " " + r.path())
              .toList();
      assertThat(undeclared).as("routes without an Access declaration").isEmpty();
    }
  }
}
