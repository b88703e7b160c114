package dev.keel.client;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What wire-shape tests share: a fresh {@link FakeApi} per test and a client on it. A test class
 * extends it and queues the answers it needs.
 */
public abstract class FakeApiFixture {
  /** The recording server of the current test. */
  protected FakeApi api;

  /** A client on {@link #api}. */
  protected KeelClient client;

  @BeforeEach
  protected void startFakeApi() throws IOException {
    api = new FakeApi();
    client = api.client();
  }

  @AfterEach
  protected void stopFakeApi() {
    client.close();
    api.close();
  }
}
