package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.FakeApiFixture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the CLI's wire-shape tests share: {@code keel} run in-process against the test's {@link
 * dev.keel.client.FakeApi}.
 */
abstract class FakeApiCli extends FakeApiFixture {
  /** Runs keel with {@code --url} of the fake server appended. */
  CliFixture.Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(api.url());
    return CliFixture.keelWithEnv(Map.of(), all.toArray(String[]::new));
  }

  /** Runs keel and checks it exited 0. */
  CliFixture.Result ok(String... args) {
    CliFixture.Result r = keel(args);
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    return r;
  }

  /** JSON written with single quotes, for readable expected bodies. */
  static JsonNode json(String text) throws IOException {
    return CliFixture.JSON.readTree(text.replace('\'', '"'));
  }
}
