package dev.keel.tracking.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest {

  @TempDir Path base;
  Path root;
  LocalArtifactStore store;
  ExecutorService pool;

  @BeforeEach
  void open() {
    root = base.resolve("artifacts");
    store = new LocalArtifactStore(root);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  // --- round trips ------------------------------------------------------------------------------

  @Test
  void put_then_open_returns_the_same_bytes_and_put_reports_their_count() throws IOException {
    assertThat(put("model.txt", "hello artifacts")).isEqualTo(15);
    assertThat(read("model.txt")).isEqualTo("hello artifacts");
    assertThat(store.size(path("model.txt"))).hasValue(15);
  }

  @Test
  void put_creates_nested_parent_directories() throws IOException {
    put("1/abc/artifacts/model/MLmodel", "flavors: {}");
    assertThat(root.resolve("1/abc/artifacts/model/MLmodel")).hasContent("flavors: {}");
    assertThat(read("1/abc/artifacts/model/MLmodel")).isEqualTo("flavors: {}");
  }

  @Test
  void names_with_spaces_and_unicode_round_trip_to_the_same_names_on_disk() throws IOException {
    put("my plots/模型 é/loss curve 🚀.png", "png");
    assertThat(root.resolve("my plots").resolve("模型 é").resolve("loss curve 🚀.png"))
        .hasContent("png");
    assertThat(store.list(path("my plots/模型 é")))
        .containsExactly(FileInfo.file("my plots/模型 é/loss curve 🚀.png", 3));
  }

  @Test
  void an_empty_upload_makes_an_empty_file() throws IOException {
    assertThat(store.put(path("empty"), InputStream.nullInputStream())).isZero();
    assertThat(store.size(path("empty"))).hasValue(0);
    assertThat(read("empty")).isEmpty();
  }

  @Test
  void put_over_an_existing_file_replaces_its_content() throws IOException {
    put("a/b.txt", "first version, longer");
    put("a/b.txt", "second");
    assertThat(read("a/b.txt")).isEqualTo("second");
    assertThat(store.size(path("a/b.txt"))).hasValue(6);
  }

  @Test
  void list_shows_direct_children_sorted_by_name_with_sizes_for_files_only() throws IOException {
    put("b.txt", "bb");
    put("a/x.txt", "x");
    put("a.txt", "a");
    put("C.txt", "ccc");
    assertThat(store.list(ArtifactPath.root()))
        .containsExactly(
            FileInfo.file("C.txt", 3),
            FileInfo.dir("a"),
            FileInfo.file("a.txt", 1),
            FileInfo.file("b.txt", 2));
  }

  @Test
  void list_of_a_nested_directory_gives_paths_relative_to_the_store_root() throws IOException {
    put("1/run/artifacts/model/MLmodel", "m");
    put("1/run/artifacts/model/data/weights.bin", "ww");
    assertThat(store.list(path("1/run/artifacts/model")))
        .containsExactly(
            FileInfo.file("1/run/artifacts/model/MLmodel", 1),
            FileInfo.dir("1/run/artifacts/model/data"));
  }

  @Test
  void listing_a_missing_directory_or_a_file_gives_an_empty_list() throws IOException {
    put("a/file.txt", "f");
    assertThat(store.list(path("nope"))).isEmpty();
    assertThat(store.list(path("nope/deeper"))).isEmpty();
    assertThat(store.list(path("a/file.txt"))).isEmpty();
    assertThat(store.list(path("a/file.txt/below"))).isEmpty();
  }

  @Test
  void listing_an_empty_store_gives_an_empty_list() throws IOException {
    assertThat(store.list(ArtifactPath.root())).isEmpty();
  }

  @Test
  void the_temp_folder_is_never_listed() throws IOException {
    put("x.txt", "x");
    assertThat(root.resolve(LocalArtifactStore.TMP_DIR)).isDirectory();
    assertThat(store.list(ArtifactPath.root())).containsExactly(FileInfo.file("x.txt", 1));
  }

  @Test
  void names_on_disk_that_no_path_could_address_are_not_listed() throws IOException {
    put("ok.txt", "ok");
    Files.writeString(root.resolve("back\\slash"), "x");
    Files.writeString(root.resolve("ctrl\u0001char"), "x");
    Files.writeString(root.resolve("enc%2e%2e"), "x");
    Files.writeString(root.resolve("trailing."), "x");
    assertThat(store.list(ArtifactPath.root())).containsExactly(FileInfo.file("ok.txt", 2));
  }

  @Test
  void open_of_a_missing_file_or_a_directory_is_404() throws IOException {
    put("dir/f.txt", "f");
    assertNotFound(() -> store.open(path("missing.txt")));
    assertNotFound(() -> store.open(path("dir")));
    assertNotFound(() -> store.open(path("dir/f.txt/below")));
    assertNotFound(() -> store.open(ArtifactPath.root()));
  }

  @Test
  void size_of_a_missing_file_or_a_directory_is_empty() throws IOException {
    put("dir/f.txt", "f");
    assertThat(store.size(path("missing.txt"))).isEmpty();
    assertThat(store.size(path("dir"))).isEmpty();
    assertThat(store.size(ArtifactPath.root())).isEmpty();
  }

  @Test
  void delete_removes_a_file_and_keeps_its_siblings() throws IOException {
    put("d/a.txt", "a");
    put("d/b.txt", "b");
    store.delete(path("d/a.txt"));
    assertThat(store.size(path("d/a.txt"))).isEmpty();
    assertThat(store.list(path("d"))).containsExactly(FileInfo.file("d/b.txt", 1));
  }

  @Test
  void delete_removes_a_whole_directory_tree_and_leaves_no_debris() throws IOException {
    put("run/artifacts/model/MLmodel", "m");
    put("run/artifacts/model/data/w.bin", "w");
    put("run/keep.txt", "k");
    store.delete(path("run/artifacts"));
    assertThat(root.resolve("run/artifacts")).doesNotExist();
    assertThat(store.list(path("run"))).containsExactly(FileInfo.file("run/keep.txt", 1));
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void deleting_something_missing_is_404() throws IOException {
    put("f.txt", "f");
    assertNotFound(() -> store.delete(path("missing")));
    assertNotFound(() -> store.delete(path("missing/deeper")));
    assertNotFound(() -> store.delete(path("f.txt/below")));
  }

  @Test
  void the_root_cannot_be_written_or_deleted() {
    assertInvalid(() -> store.put(ArtifactPath.root(), stream("x")));
    assertInvalid(() -> store.delete(ArtifactPath.root()));
    assertThat(root).isDirectory();
  }

  @Test
  void put_onto_a_directory_or_under_a_file_is_400_and_changes_nothing() throws IOException {
    put("dir/f.txt", "f");
    assertInvalid(() -> store.put(path("dir"), stream("x")));
    assertInvalid(() -> store.put(path("dir/f.txt/below"), stream("x")));
    assertThat(read("dir/f.txt")).isEqualTo("f");
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void a_refused_put_does_not_read_the_body() throws IOException {
    put("dir/f.txt", "f");
    AtomicBoolean read = new AtomicBoolean();
    InputStream body =
        new InputStream() {
          @Override
          public int read() {
            read.set(true);
            return -1;
          }
        };
    assertInvalid(() -> store.put(path("dir"), body));
    assertThat(read).isFalse();
  }

  // --- atomicity and failures -------------------------------------------------------------------

  @Test
  void a_reader_sees_the_old_content_until_an_overwrite_completes() throws Exception {
    byte[] v1 = filled('a', 1 << 20);
    byte[] v2 = filled('b', 1 << 20);
    store.put(path("m/model.bin"), new ByteArrayInputStream(v1));
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Long> upload =
        pool.submit(() -> store.put(path("m/model.bin"), pausingHalfway(v2, halfway, release)));

    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(readBytes("m/model.bin")).isEqualTo(v1);
    assertThat(store.size(path("m/model.bin"))).hasValue(v1.length);
    assertThat(store.list(path("m"))).containsExactly(FileInfo.file("m/model.bin", v1.length));

    release.countDown();
    assertThat(upload.get(10, TimeUnit.SECONDS)).isEqualTo(v2.length);
    assertThat(readBytes("m/model.bin")).isEqualTo(v2);
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void a_new_file_is_invisible_until_its_upload_completes() throws Exception {
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    byte[] body = filled('z', 256 * 1024);
    Future<Long> upload =
        pool.submit(() -> store.put(path("new/dir/f.bin"), pausingHalfway(body, halfway, release)));
    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(store.list(ArtifactPath.root())).isEmpty();
    assertNotFound(() -> store.open(path("new/dir/f.bin")));
    release.countDown();
    upload.get(10, TimeUnit.SECONDS);
    assertThat(readBytes("new/dir/f.bin")).isEqualTo(body);
  }

  @Test
  void concurrent_readers_only_ever_see_one_whole_version() throws Exception {
    byte[] a = filled('a', 300 * 1024);
    byte[] b = filled('b', 200 * 1024);
    store.put(path("hot.bin"), new ByteArrayInputStream(a));
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<?> writer =
        pool.submit(
            () -> {
              for (int i = 0; i < 60; i++) {
                store.put(path("hot.bin"), new ByteArrayInputStream(i % 2 == 0 ? b : a));
              }
              writing.set(false);
              return null;
            });
    int reads = 0;
    while (writing.get() || reads == 0) {
      byte[] seen = readBytes("hot.bin");
      assertThat(Arrays.equals(seen, a) || Arrays.equals(seen, b))
          .as("read %d saw a torn file of %d bytes", reads, seen.length)
          .isTrue();
      reads++;
    }
    writer.get(30, TimeUnit.SECONDS);
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void concurrent_puts_into_the_same_new_directories_all_succeed() throws Exception {
    List<Future<Long>> uploads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String p = "shared/new/dir/f" + i + ".txt";
      String content = "content " + i;
      uploads.add(pool.submit(() -> store.put(path(p), stream(content))));
    }
    for (Future<Long> upload : uploads) {
      upload.get(30, TimeUnit.SECONDS);
    }
    assertThat(store.list(path("shared/new/dir"))).hasSize(16);
    for (int i = 0; i < 16; i++) {
      assertThat(read("shared/new/dir/f" + i + ".txt")).isEqualTo("content " + i);
    }
  }

  @Test
  void concurrent_puts_to_one_path_leave_one_whole_version() throws Exception {
    List<Future<Long>> uploads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] body = filled((char) ('a' + i), 100_000 + i);
      uploads.add(pool.submit(() -> store.put(path("race/f.bin"), new ByteArrayInputStream(body))));
    }
    for (Future<Long> upload : uploads) {
      upload.get(30, TimeUnit.SECONDS);
    }
    byte[] result = readBytes("race/f.bin");
    int i = result[0] - 'a';
    assertThat(result).isEqualTo(filled((char) ('a' + i), 100_000 + i));
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void a_failed_upload_leaves_no_file_no_new_directories_and_no_temp_debris() throws IOException {
    assertThatThrownBy(() -> store.put(path("new/dir/f.bin"), failingAfter(100_000)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
    assertThat(store.size(path("new/dir/f.bin"))).isEmpty();
    assertThat(root.resolve("new")).doesNotExist();
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void a_failed_overwrite_keeps_the_previous_content_intact() throws IOException {
    put("model.bin", "the good model");
    assertThatThrownBy(() -> store.put(path("model.bin"), failingAfter(300_000)))
        .isInstanceOf(IOException.class);
    assertThat(read("model.bin")).isEqualTo("the good model");
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void an_upload_failing_with_an_unchecked_exception_also_leaves_no_debris() throws IOException {
    put("model.bin", "the good model");
    InputStream body =
        new InputStream() {
          int served;

          @Override
          public int read() {
            if (served++ == 1000) {
              throw new IllegalStateException("client gone");
            }
            return 'x';
          }
        };
    assertThatThrownBy(() -> store.put(path("model.bin"), body))
        .isInstanceOf(IllegalStateException.class);
    assertThat(read("model.bin")).isEqualTo("the good model");
    assertThat(tempFolderEntries()).isEmpty();
  }

  @Test
  void a_50_mb_upload_streams_to_disk_in_bounded_chunks() throws Exception {
    long total = 50L * 1024 * 1024;
    long checkAt = 40L * 1024 * 1024;
    AtomicLong onDiskAtCheck = new AtomicLong(-1);
    AtomicLong largestRead = new AtomicLong();
    GeneratedStream body =
        new GeneratedStream(total) {
          @Override
          void beforeRead(long position, int len) {
            largestRead.accumulateAndGet(len, Math::max);
            if (position >= checkAt && onDiskAtCheck.get() < 0) {
              onDiskAtCheck.set(tempFolderBytes());
            }
          }
        };

    assertThat(store.put(path("big/model.bin"), body)).isEqualTo(total);

    // By the time 40 MB had been read, nearly all of it was already in the temp file on disk.
    assertThat(onDiskAtCheck.get()).isGreaterThanOrEqualTo(checkAt - (1 << 20));
    assertThat(largestRead.get()).isLessThanOrEqualTo(1 << 20);
    assertThat(store.size(path("big/model.bin"))).hasValue(total);
    try (InputStream in = store.open(path("big/model.bin"))) {
      assertThat(digest(in)).isEqualTo(digest(new GeneratedStream(total)));
    }
    assertThat(tempFolderEntries()).isEmpty();
  }

  // --- crash debris -----------------------------------------------------------------------------

  @Test
  void opening_a_store_removes_stale_upload_debris_but_not_fresh_uploads() throws IOException {
    Path tmp = root.resolve(LocalArtifactStore.TMP_DIR);
    Path stale = Files.writeString(tmp.resolve("put-stale"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path fresh = Files.writeString(tmp.resolve("put-fresh"), "in flight");
    Path interruptedDelete = Files.createDirectories(tmp.resolve("del-x/sub"));
    Files.writeString(interruptedDelete.resolve("f"), "f");

    new LocalArtifactStore(root);

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(tmp.resolve("del-x")).doesNotExist();
  }

  @Test
  void a_store_reopened_on_the_same_root_finds_everything() throws IOException {
    put("1/run/artifacts/m.txt", "m");
    LocalArtifactStore reopened = new LocalArtifactStore(root);
    try (InputStream in = reopened.open(path("1/run/artifacts/m.txt"))) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("m");
    }
  }

  @Test
  void a_store_refuses_to_open_when_its_temp_folder_is_a_symlink() throws IOException {
    Path other = Files.createDirectories(base.resolve("other"));
    Path fresh = base.resolve("fresh-root");
    Files.createDirectories(fresh);
    Files.createSymbolicLink(fresh.resolve(LocalArtifactStore.TMP_DIR), other);
    assertThatThrownBy(() -> new LocalArtifactStore(fresh))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void a_root_reached_through_a_symlink_works() throws IOException {
    Path real = Files.createDirectories(base.resolve("real-artifacts"));
    Path link = Files.createSymbolicLink(base.resolve("artifacts-link"), real);
    LocalArtifactStore linked = new LocalArtifactStore(link);
    linked.put(path("a/b.txt"), stream("b"));
    assertThat(real.resolve("a/b.txt")).hasContent("b");
    assertThat(linked.list(path("a"))).containsExactly(FileInfo.file("a/b.txt", 1));
  }

  // --- symlinks ---------------------------------------------------------------------------------

  @Nested
  class Symlinks {
    Path outside;
    Path secret;

    @BeforeEach
    void plantLinks() throws IOException {
      outside = Files.createDirectories(base.resolve("outside"));
      secret = Files.writeString(outside.resolve("secret.txt"), "top secret");
      Files.createSymbolicLink(root.resolve("leak"), outside);
      Files.createSymbolicLink(root.resolve("leakfile"), secret);
      Files.createSymbolicLink(root.resolve("relative-leak"), Path.of("..", "outside"));
      Files.createSymbolicLink(root.resolve("chain"), root.resolve("leak"));
      Files.createSymbolicLink(root.resolve("to-tmp"), root.resolve(LocalArtifactStore.TMP_DIR));
      Files.createSymbolicLink(root.resolve("broken"), base.resolve("nowhere"));
    }

    @Test
    void files_outside_cannot_be_read_through_a_link() {
      for (String p :
          List.of("leak/secret.txt", "leakfile", "relative-leak/secret.txt", "chain/secret.txt")) {
        assertInvalid(() -> store.open(path(p)));
        assertInvalid(() -> store.size(path(p)));
      }
    }

    @Test
    void a_directory_outside_cannot_be_listed_through_a_link() {
      for (String p : List.of("leak", "relative-leak", "chain", "to-tmp")) {
        assertInvalid(() -> store.list(path(p)));
      }
    }

    @Test
    void links_leading_outside_or_nowhere_are_not_listed() throws IOException {
      put("ok.txt", "ok");
      assertThat(store.list(ArtifactPath.root())).containsExactly(FileInfo.file("ok.txt", 2));
    }

    @Test
    void nothing_can_be_written_through_a_link_leading_outside() {
      assertInvalid(() -> store.put(path("leak/new.txt"), stream("pwned")));
      assertInvalid(() -> store.put(path("leak/secret.txt"), stream("pwned")));
      assertInvalid(() -> store.put(path("leak/sub/new.txt"), stream("pwned")));
      assertInvalid(() -> store.put(path("relative-leak/new.txt"), stream("pwned")));
      assertInvalid(() -> store.put(path("to-tmp/put-x"), stream("pwned")));
      assertThat(outside.resolve("new.txt")).doesNotExist();
      assertThat(outside.resolve("sub")).doesNotExist();
      assertThat(secret).hasContent("top secret");
    }

    @Test
    void a_write_onto_a_link_is_refused_even_if_it_would_only_replace_the_link() {
      assertInvalid(() -> store.put(path("leakfile"), stream("pwned")));
      assertInvalid(() -> store.put(path("broken"), stream("pwned")));
      assertInvalid(() -> store.put(path("broken/x"), stream("pwned")));
      assertThat(secret).hasContent("top secret");
      assertThat(Files.isSymbolicLink(root.resolve("leakfile"))).isTrue();
      assertThat(base.resolve("nowhere")).doesNotExist();
    }

    @Test
    void nothing_can_be_deleted_through_or_at_a_link() {
      assertInvalid(() -> store.delete(path("leak")));
      assertInvalid(() -> store.delete(path("leak/secret.txt")));
      assertInvalid(() -> store.delete(path("leakfile")));
      assertInvalid(() -> store.delete(path("chain/secret.txt")));
      assertInvalid(() -> store.delete(path("broken")));
      assertThat(secret).hasContent("top secret");
      assertThat(Files.isSymbolicLink(root.resolve("leak"))).isTrue();
    }

    @Test
    void deleting_a_directory_that_holds_a_link_removes_the_link_not_its_target()
        throws IOException {
      put("run/model.bin", "m");
      Files.createSymbolicLink(root.resolve("run/escape"), outside);
      store.delete(path("run"));
      assertThat(root.resolve("run")).doesNotExist();
      assertThat(secret).hasContent("top secret");
      assertThat(tempFolderEntries()).isEmpty();
    }

    @Test
    void a_broken_link_reads_as_missing() throws IOException {
      assertNotFound(() -> store.open(path("broken")));
      assertThat(store.size(path("broken"))).isEmpty();
      assertThat(store.list(path("broken"))).isEmpty();
    }

    @Test
    void links_that_stay_inside_the_root_are_followed_for_reads_and_writes() throws IOException {
      put("real/f.txt", "f");
      Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
      assertThat(read("alias/f.txt")).isEqualTo("f");
      assertThat(store.list(path("alias"))).containsExactly(FileInfo.file("alias/f.txt", 1));
      put("alias/g.txt", "g");
      assertThat(root.resolve("real/g.txt")).hasContent("g");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  static ArtifactPath path(String p) {
    return ArtifactPath.parse("path", p, true);
  }

  long put(String p, String content) throws IOException {
    return store.put(path(p), stream(content));
  }

  String read(String p) throws IOException {
    return new String(readBytes(p), UTF_8);
  }

  byte[] readBytes(String p) throws IOException {
    try (InputStream in = store.open(path(p))) {
      return in.readAllBytes();
    }
  }

  static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(UTF_8));
  }

  static byte[] filled(char c, int n) {
    byte[] bytes = new byte[n];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  List<Path> tempFolderEntries() throws IOException {
    try (Stream<Path> s = Files.list(root.resolve(LocalArtifactStore.TMP_DIR))) {
      return s.toList();
    }
  }

  long tempFolderBytes() {
    try {
      long sum = 0;
      for (Path p : tempFolderEntries()) {
        sum += Files.size(p);
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves {@code body}, pausing after half of it until {@code release} opens. */
  static InputStream pausingHalfway(byte[] body, CountDownLatch halfway, CountDownLatch release) {
    return new InputStream() {
      int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos == body.length / 2 && halfway.getCount() > 0) {
          halfway.countDown();
          try {
            if (!release.await(30, TimeUnit.SECONDS)) {
              throw new IOException("never released");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
        if (pos == body.length) {
          return -1;
        }
        int limit = pos < body.length / 2 ? body.length / 2 : body.length;
        int n = Math.min(len, limit - pos);
        System.arraycopy(body, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /** Serves {@code good} bytes, then fails like a dropped connection. */
  static InputStream failingAfter(int good) {
    return new InputStream() {
      int served;

      @Override
      public int read() throws IOException {
        if (served == good) {
          throw new IOException("connection reset by peer");
        }
        served++;
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (served == good) {
          throw new IOException("connection reset by peer");
        }
        int n = Math.min(len, good - served);
        Arrays.fill(b, off, off + n, (byte) 'x');
        served += n;
        return n;
      }
    };
  }

  /** A deterministic pseudo-random stream of {@code length} bytes, generated as it is read. */
  static class GeneratedStream extends InputStream {
    private final long length;
    private long position;

    GeneratedStream(long length) {
      this.length = length;
    }

    void beforeRead(long position, int len) {}

    private static byte at(long i) {
      long x = i * 0x9E3779B97F4A7C15L;
      return (byte) (x ^ (x >>> 29) ^ (x >>> 47));
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      beforeRead(position, len);
      if (position == length) {
        return -1;
      }
      int n = (int) Math.min(len, length - position);
      for (int i = 0; i < n; i++) {
        b[off + i] = at(position + i);
      }
      position += n;
      return n;
    }
  }

  static byte[] digest(InputStream in) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[64 * 1024];
      int n;
      while ((n = in.read(chunk)) != -1) {
        sha.update(chunk, 0, n);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static void assertNotFound(ThrowingCall call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  static void assertInvalid(ThrowingCall call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).startsWith("Invalid path: ");
            });
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }
}
