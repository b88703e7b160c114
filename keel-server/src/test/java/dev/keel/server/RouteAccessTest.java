package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.Privilege;
import dev.keel.http.HttpServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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

  /**
   * Routes that need a privilege but name no resource are for administrators only (the
   * authorization guard denies everyone else by default). Each one here is meant to be; a route
   * missing from this list lost its resource by accident (the run-lineage route once did).
   */
  static final Set<String> ADMIN_ONLY =
      new TreeSet<>(
          List.of(
              // SCIM: creating and changing identities is the workspace admin's job (anyone may
              // list)
              "POST /api/2.0/preview/scim/v2/Users",
              "PUT /api/2.0/preview/scim/v2/Users/{id}",
              "PATCH /api/2.0/preview/scim/v2/Users/{id}",
              "DELETE /api/2.0/preview/scim/v2/Users/{id}",
              "POST /api/2.0/preview/scim/v2/Groups",
              "PUT /api/2.0/preview/scim/v2/Groups/{id}",
              "PATCH /api/2.0/preview/scim/v2/Groups/{id}",
              "DELETE /api/2.0/preview/scim/v2/Groups/{id}",
              "POST /api/2.0/preview/scim/v2/ServicePrincipals",
              "PUT /api/2.0/preview/scim/v2/ServicePrincipals/{id}",
              "PATCH /api/2.0/preview/scim/v2/ServicePrincipals/{id}",
              "DELETE /api/2.0/preview/scim/v2/ServicePrincipals/{id}",
              // token management: every user's tokens, and tokens on behalf of service principals
              "GET /api/2.0/token-management/tokens",
              "GET /api/2.0/token-management/tokens/{token_id}",
              "DELETE /api/2.0/token-management/tokens/{token_id}",
              "POST /api/2.0/token-management/on-behalf-of/tokens",
              // the audit log: everyone's requests
              "GET /api/2.0/keel/audit",
              // rebuilds every training set, reading every table they name
              "POST /api/2.0/feature-store/training-sets/rebuild"));

  @Test
  void every_route_without_a_resource_is_meant_for_administrators_only() {
    try (TestServer s = TestServer.start(dir)) {
      Set<String> adminOnly =
          s.server().routes().stream()
              .filter(
                  r ->
                      r.access() != null
                          && r.access().privilege() != Privilege.NONE
                          && r.access().resource().isEmpty())
              .map(r -> r.method() + " " + r.path())
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(adminOnly)
          .as("routes with a privilege and no resource (administrators only)")
          .containsExactlyElementsOf(ADMIN_ONLY);
    }
  }
}
