package dev.keel.catalog.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.catalog.identity.Identity;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObjectPermissionStorePostgresIT extends ObjectPermissionStoreContract {
  private String url;

  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Override
  Database open(Path dir) {
    url = TestDatabases.freshPostgresSchemaUrl();
    return Database.open(Optional.of(url), dir);
  }

  @Test
  void a_change_on_one_server_reaches_another_servers_cached_answer() throws Exception {
    try (Database other = Database.open(Optional.of(url), dir.resolve("other"))) {
      ObjectPermissions there = new ObjectPermissions(new JdbcObjectPermissionStore(other));
      assertThat(there.levelOf(user("bob"), EXP, "5")).isEmpty(); // now cached there
      perms.update(
          ADMIN, EXP, "5", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (there.levelOf(user("bob"), EXP, "5").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(there.levelOf(user("bob"), EXP, "5")).contains(PermissionLevel.CAN_READ);
      perms.set(ADMIN, EXP, "5", List.of());
      deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (there.levelOf(user("bob"), EXP, "5").isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(there.levelOf(user("bob"), EXP, "5")).isEmpty();
    }
  }
}
