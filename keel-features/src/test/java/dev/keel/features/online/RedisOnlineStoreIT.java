package dev.keel.features.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.store.TestServices;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The contract against a real Redis ({@code KEEL_TEST_REDIS_URL}), under a unique key prefix. */
class RedisOnlineStoreIT extends OnlineStoreContract {
  private String prefix;

  @BeforeAll
  static void needsRedis() {
    assumeTrue(url() != null, "KEEL_TEST_REDIS_URL is not set");
  }

  static String url() {
    return TestServices.redisUrl().orElse(null);
  }

  @Override
  OnlineStore open() {
    if (prefix == null) {
      prefix = "keel-test:" + UUID.randomUUID() + ":";
    }
    return RedisOnlineStore.open(URI.create(url()), prefix, clock);
  }

  @AfterEach
  void removeKeys() {
    try (RedisClient r = RedisClient.create(URI.create(url()))) {
      deleteKeys(r);
      assertThat(r.keys(prefix + "*")).isEmpty();
    }
  }

  private long deleteKeys(RedisClient r) {
    // entity keys are binary: scan and delete them as bytes
    long n = 0;
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    ScanParams match = new ScanParams().match(prefix + "*").count(1000);
    do {
      ScanResult<byte[]> page = r.scan(cursor, match);
      for (byte[] k : page.getResult()) {
        n += r.del(k);
      }
      cursor = page.getCursorAsBytes();
    } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
    return n;
  }

  @Test
  void one_hash_per_entity_key_holds_a_field_per_feature_table() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    store.write("driver_profile", ID, List.of("age"), List.of(row(1L, T0, 30)));
    try (RedisClient r = RedisClient.create(URI.create(url()))) {
      List<String> rowKeys = r.keys(prefix + "e:*").stream().toList();
      assertThat(rowKeys).hasSize(1);
      assertThat(r.hkeys(rowKeys.get(0)))
          .containsExactlyInAnyOrder("driver_stats", "driver_profile");
      assertThat(r.hget(prefix + "counts", "driver_stats")).isEqualTo("1");
    }
    store.deleteTable("driver_stats");
    try (RedisClient r = RedisClient.create(URI.create(url()))) {
      String key = r.keys(prefix + "e:*").iterator().next();
      assertThat(r.hkeys(key)).containsExactly("driver_profile");
    }
  }

  @Test
  void the_factory_opens_redis_for_a_redis_url() {
    try (OnlineStore s = OnlineStores.open(url(), java.nio.file.Path.of("unused"))) {
      assertThat(s.stats().backend()).isEqualTo("redis");
    }
  }
}
