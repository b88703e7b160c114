package dev.keel.features.online;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The online store in Redis, laid out like Feast's: one hash per entity key ({@code <prefix>e:}
 * followed by the encoded entity key), shared by all feature tables with the same key columns, and
 * one field per feature table (its name) holding the 8-byte event time followed by the encoded
 * feature vector. Layouts live in the hash {@code <prefix>tables}, entity counts in {@code
 * <prefix>counts}.
 *
 * <p>Writes run a Lua script (EVALSHA, {@value #ROWS_PER_SCRIPT} rows per call, all calls of a
 * batch pipelined) that compares event times and sets the field only for a newer row, so
 * skip-if-older is atomic per row even with concurrent writers. Reads send one HMGET per entity key
 * for all its feature tables, all in one pipeline: one round trip per lookup. The script touches
 * several keys, so this store needs a single Redis (not Redis Cluster).
 */
public final class RedisOnlineStore extends AbstractOnlineStore {
  /** The key prefix used by {@link OnlineStores#open}. */
  public static final String DEFAULT_PREFIX = "keel:online:";

  static final int ROWS_PER_SCRIPT = 256;

  private static final byte[] ONE = {'1'};
  private static final byte[] ZERO = {'0'};

  /**
   * KEYS[1] = the counts hash, KEYS[2..] = entity hashes; ARGV[1] = the feature table (field),
   * ARGV[2..#KEYS] = event time (8 bytes, sign bit flipped, big-endian) + vector, ARGV[#KEYS + 1] =
   * "1" to replace a different row of an equal event time. Sets a field only if the new event time
   * is greater than the stored one (byte-wise, which is time order), or equal with that flag and
   * different bytes; returns the number of fields set and counts newly created fields per table.
   */
  private static final String WRITE_SCRIPT =
      """
      local field = ARGV[1]
      local ties = ARGV[#KEYS + 1] == '1'
      local written, created = 0, 0
      for i = 2, #KEYS do
        local new = ARGV[i]
        local old = redis.call('HGET', KEYS[i], field)
        local newer = true
        if old then
          newer = ties and new ~= old
          for j = 1, 8 do
            local a, b = string.byte(new, j), string.byte(old, j)
            if a ~= b then
              newer = a > b
              break
            end
          end
        end
        if newer then
          created = created + redis.call('HSET', KEYS[i], field, new)
          written = written + 1
        end
      end
      if created > 0 then
        redis.call('HINCRBY', KEYS[1], field, created)
      end
      return written
      """;

  private final RedisClient redis;
  private final String location;
  private final byte[] rowPrefix;
  private final byte[] tablesKey;
  private final byte[] countsKey;
  private volatile byte[] writeSha;

  /**
   * Connects to {@code redis://[user:password@]host:port[/db]} and uses keys starting with {@code
   * prefix}.
   */
  public static RedisOnlineStore open(URI uri, String prefix, Clock clock) {
    return new RedisOnlineStore(uri, prefix, clock);
  }

  private RedisOnlineStore(URI uri, String prefix, Clock clock) {
    super(clock);
    if (prefix.isEmpty()) {
      throw dev.keel.core.KeelException.invalid(
          "online-store: the Redis key prefix must not be empty");
    }
    this.redis = RedisClient.create(uri);
    this.location =
        uri.getHost()
            + ":"
            + uri.getPort()
            + (uri.getPath() == null ? "" : uri.getPath())
            + " prefix "
            + prefix;
    this.rowPrefix = bytes(prefix + "e:");
    this.tablesKey = bytes(prefix + "tables");
    this.countsKey = bytes(prefix + "counts");
    try {
      this.writeSha = bytes(redis.scriptLoad(WRITE_SCRIPT));
    } catch (RuntimeException e) {
      redis.close();
      throw new IllegalStateException(
          "online store: cannot reach Redis at " + location + ": " + e, e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] rowKey(byte[] entityKey) {
    byte[] k = Arrays.copyOf(rowPrefix, rowPrefix.length + entityKey.length);
    System.arraycopy(entityKey, 0, k, rowPrefix.length, entityKey.length);
    return k;
  }

  // ------------------------------------------------------------------ layouts

  @Override
  Optional<TableLayout> loadLayout(String table) {
    byte[] b = redis.hget(tablesKey, bytes(table));
    return b == null ? Optional.empty() : Optional.of(TableLayout.decode(table, b));
  }

  @Override
  TableLayout storeLayout(TableLayout proposed) {
    if (redis.hsetnx(tablesKey, bytes(proposed.name()), proposed.encode()) == 1) {
      return proposed;
    }
    return loadLayout(proposed.name()).orElse(proposed);
  }

  // -------------------------------------------------------------------- write

  @Override
  WriteResult apply(TableLayout table, Batch batch, boolean replaceEqual) {
    byte[] field = bytes(table.name());
    int calls = (batch.size + ROWS_PER_SCRIPT - 1) / ROWS_PER_SCRIPT;
    List<List<byte[]>> keys = new ArrayList<>(calls);
    List<List<byte[]>> args = new ArrayList<>(calls);
    for (int from = 0; from < batch.size; from += ROWS_PER_SCRIPT) {
      int to = Math.min(batch.size, from + ROWS_PER_SCRIPT);
      List<byte[]> k = new ArrayList<>(to - from + 1);
      List<byte[]> a = new ArrayList<>(to - from + 1);
      k.add(countsKey);
      a.add(field);
      for (int i = from; i < to; i++) {
        k.add(rowKey(batch.keys[i]));
        a.add(batch.rows[i]);
      }
      a.add(replaceEqual ? ONE : ZERO);
      keys.add(k);
      args.add(a);
    }
    long written = 0;
    boolean[] done = new boolean[calls];
    for (int attempt = 0; attempt < 2; attempt++) {
      List<Response<Object>> responses = new ArrayList<>(calls);
      try (AbstractPipeline p = redis.pipelined()) {
        for (int c = 0; c < calls; c++) {
          responses.add(done[c] ? null : p.evalsha(writeSha, keys.get(c), args.get(c)));
        }
        p.sync();
      }
      boolean noScript = false;
      for (int c = 0; c < calls; c++) {
        if (done[c]) {
          continue;
        }
        try {
          written += (Long) responses.get(c).get();
          done[c] = true;
        } catch (JedisDataException e) {
          if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT") || attempt > 0) {
            throw new IllegalStateException(
                "online store: Redis write to '" + table.name() + "' failed: " + e.getMessage(), e);
          }
          noScript = true; // Redis restarted or SCRIPT FLUSH: load it again, redo what did not run
        }
      }
      if (!noScript) {
        break;
      }
      writeSha = bytes(redis.scriptLoad(WRITE_SCRIPT));
    }
    return new WriteResult(written, batch.size - written);
  }

  // --------------------------------------------------------------------- read

  @Override
  void fetch(TableLayout[] tables, byte[][][] keys, Stored[][] out) {
    // Group lookups by entity key: tables with the same key columns share one hash.
    Map<Key, List<int[]>> groups = new LinkedHashMap<>();
    byte[][] fields = new byte[tables.length][];
    for (int t = 0; t < tables.length; t++) {
      if (tables[t] == null) {
        continue;
      }
      fields[t] = bytes(tables[t].name());
      for (int r = 0; r < keys[t].length; r++) {
        if (keys[t][r] != null) {
          groups
              .computeIfAbsent(new Key(keys[t][r]), k -> new ArrayList<>(2))
              .add(new int[] {t, r});
        }
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    List<Response<List<byte[]>>> responses = new ArrayList<>(groups.size());
    try (AbstractPipeline p = redis.pipelined()) {
      for (Map.Entry<Key, List<int[]>> g : groups.entrySet()) {
        List<int[]> lookups = g.getValue();
        byte[][] f = new byte[lookups.size()][];
        for (int i = 0; i < f.length; i++) {
          f[i] = fields[lookups.get(i)[0]];
        }
        responses.add(p.hmget(rowKey(g.getKey().bytes), f));
      }
      p.sync();
    }
    int gi = 0;
    for (List<int[]> lookups : groups.values()) {
      List<byte[]> values = responses.get(gi++).get();
      for (int i = 0; i < lookups.size(); i++) {
        byte[] v = values.get(i);
        if (v != null) {
          out[lookups.get(i)[0]][lookups.get(i)[1]] = new Stored(storedMicros(v), v);
        }
      }
    }
  }

  // -------------------------------------------------------------------- admin

  @Override
  boolean drop(String table) {
    byte[] field = bytes(table);
    boolean existed = redis.hexists(tablesKey, field);
    ScanParams params = new ScanParams().match(globEscape(rowPrefix)).count(1000);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> page = redis.scan(cursor, params);
      if (!page.getResult().isEmpty()) {
        try (AbstractPipeline p = redis.pipelined()) {
          for (byte[] k : page.getResult()) {
            p.hdel(k, field);
          }
          p.sync();
        }
      }
      cursor = page.getCursorAsBytes();
    } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
    redis.hdel(countsKey, field);
    redis.hdel(tablesKey, field);
    return existed;
  }

  /** The prefix as a SCAN MATCH pattern: glob characters escaped, then {@code *}. */
  private static byte[] globEscape(byte[] prefix) {
    OnlineCodec.Buf b = new OnlineCodec.Buf(prefix.length * 2 + 1);
    for (byte c : prefix) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.u8('\\');
      }
      b.u8(c);
    }
    b.u8('*');
    return b.toArray();
  }

  @Override
  public OnlineStoreStats stats() {
    Map<byte[], byte[]> layouts = redis.hgetAll(tablesKey);
    Map<byte[], byte[]> counts = redis.hgetAll(countsKey);
    Map<String, Long> countByName = new TreeMap<>();
    counts.forEach(
        (k, v) ->
            countByName.put(
                new String(k, StandardCharsets.UTF_8),
                Long.parseLong(new String(v, StandardCharsets.US_ASCII))));
    Map<String, OnlineTableStats> tables = new TreeMap<>();
    layouts.forEach(
        (k, v) -> {
          String name = new String(k, StandardCharsets.UTF_8);
          tables.put(name, TableLayout.decode(name, v).stats(countByName.getOrDefault(name, 0L)));
        });
    return new OnlineStoreStats("redis", location, new ArrayList<>(tables.values()));
  }

  @Override
  public void close() {
    redis.close();
  }
}
