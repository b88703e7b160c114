package dev.keel.serving.endpoints;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class JdbcEndpointStoreSqliteTest extends EndpointStoreContract {
  @TempDir Path dir;
  private Database db;

  @Override
  EndpointStore store() {
    db = TestDatabases.sqlite(dir);
    return new JdbcEndpointStore(db);
  }

  @Override
  Database db() {
    return db;
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }
}
