package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalogs live in the metadata database: a restart finds them, and does not re-seed main. */
class CatalogRestartTest {
  static final String UC = "/api/2.1/unity-catalog";

  @TempDir Path dir;

  @Test
  void catalogs_survive_a_restart_and_a_deleted_main_stays_deleted() {
    try (TestServer s = TestServer.start(dir)) {
      assertThat(s.post(UC + "/catalogs", "{\"name\":\"kept\",\"comment\":\"c\"}").status())
          .isEqualTo(200);
      assertThat(s.delete(UC + "/catalogs/main?force=true").status()).isEqualTo(200);
    }
    try (TestServer s = TestServer.start(dir)) {
      TestServer.Response kept = s.get(UC + "/catalogs/kept");
      assertThat(kept.status()).isEqualTo(200);
      assertThat(kept.json().get("comment").asText()).isEqualTo("c");
      assertThat(s.get(UC + "/catalogs/main").status()).isEqualTo(404);
    }
  }
}
