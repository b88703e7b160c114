package dev.keel.tracking.artifacts;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import dev.keel.core.KeelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ArtifactStore} in a directory of the local file system (the server uses {@code
 * <data-dir>/artifacts}).
 *
 * <p>Writes stream into a temporary file in the hidden {@value #TMP_DIR} folder under the root,
 * which is fsynced, renamed over the target in one atomic step and followed by an fsync of the
 * target's directory; new parent directories are fsynced into their parents too. Deleting a
 * directory first renames it into the hidden folder, so it disappears from view at once. The hidden
 * folder is never listed and no {@link ArtifactPath} can address it; temporary files left by a
 * crash are removed when a store is next opened on the root.
 *
 * <p>Symbolic links under the root are followed only while they stay inside it: every link met on
 * the way is resolved to its real path, which must lie under the real root (and not in the hidden
 * folder), otherwise the operation is refused with 400. Writes and deletes never follow a link at
 * the final component (they refuse it with 400). A local user who can create links under the root
 * while the server runs could still race these checks; the root should be writable by the server
 * only.
 *
 * <p>Thread-safe: the store keeps no mutable state; concurrent writes to one path end with one of
 * the written versions, whole.
 */
public final class LocalArtifactStore implements ArtifactStore {

  /** Name of the hidden folder for temporary files, directly under the root. */
  static final String TMP_DIR = ArtifactPath.RESERVED_PREFIX;

  private static final Logger LOG = LoggerFactory.getLogger(LocalArtifactStore.class);
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final Duration STALE_UPLOAD = Duration.ofHours(1);
  private static final String UPLOAD_PREFIX = "put-";
  private static final String DELETE_PREFIX = "del-";
  private static final int WRITE_ATTEMPTS = 3;
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  private final Path tmp;

  /**
   * Opens (creating if needed) a store rooted at {@code root}. Removes debris of uploads that a
   * crash interrupted more than an hour ago and of interrupted deletes.
   *
   * @throws UncheckedIOException if the root cannot be created or its hidden folder is not a
   *     directory
   */
  public LocalArtifactStore(Path root) {
    Objects.requireNonNull(root, "root");
    try {
      Files.createDirectories(root);
      this.root = root.toRealPath();
      this.tmp = this.root.resolve(TMP_DIR);
      prepareTmp();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the artifact store at " + root, e);
    }
  }

  @Override
  public long put(ArtifactPath path, InputStream in) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(in, "in");
    if (path.isRoot()) {
      throw refused(path, "is the root of the artifact store; a file needs a name");
    }
    resolveForWrite(path); // refuse early, before reading the body
    Path temp = tmp.resolve(UPLOAD_PREFIX + UUID.randomUUID());
    boolean moved = false;
    try {
      long written;
      try (FileChannel out =
          FileChannel.open(
              temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW_LINKS)) {
        written = copy(in, out);
        out.force(true);
      }
      for (int attempt = 1; ; attempt++) {
        // Resolve again: the tree may have changed while the body streamed in.
        WriteTarget target = resolveForWrite(path);
        try {
          Path parent = createMissingDirectories(target);
          Files.move(temp, parent.resolve(target.name()), StandardCopyOption.ATOMIC_MOVE);
          moved = true;
          fsyncDirectory(parent);
          return written;
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
          // A concurrent put created a directory, or a concurrent delete removed one: retry.
          if (attempt == WRITE_ATTEMPTS) {
            throw e;
          }
        }
      }
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  @Override
  public InputStream open(ArtifactPath path) throws IOException {
    Objects.requireNonNull(path, "path");
    Optional<Path> real = resolveExisting(path, path.segments());
    if (real.isEmpty() || !Files.isRegularFile(real.get(), NOFOLLOW_LINKS)) {
      throw notFound(path);
    }
    try {
      return Channels.newInputStream(
          FileChannel.open(real.get(), StandardOpenOption.READ, NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      throw notFound(path);
    }
  }

  @Override
  public OptionalLong size(ArtifactPath path) {
    Objects.requireNonNull(path, "path");
    try {
      Optional<Path> real = resolveExisting(path, path.segments());
      if (real.isEmpty()) {
        return OptionalLong.empty();
      }
      Optional<BasicFileAttributes> attrs = attributes(real.get());
      return attrs.isPresent() && attrs.get().isRegularFile()
          ? OptionalLong.of(attrs.get().size())
          : OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<FileInfo> list(ArtifactPath dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Optional<Path> real = resolveExisting(dir, dir.segments());
    if (real.isEmpty() || !Files.isDirectory(real.get(), NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<FileInfo> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(real.get())) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        String entryPath = dir.isRoot() ? name : dir.value() + "/" + name;
        if (ArtifactPath.isReserved(name) || !ArtifactPath.isAddressable(entryPath)) {
          continue; // the hidden folder, or a name no request could address
        }
        Optional<BasicFileAttributes> attrs = attributes(child);
        if (attrs.isPresent() && attrs.get().isSymbolicLink()) {
          Optional<Path> target = realPathIfInside(child);
          attrs = target.isPresent() ? attributes(target.get()) : Optional.empty();
        }
        if (attrs.isEmpty()) {
          continue; // gone meanwhile, a broken link, or a link leading outside
        }
        if (attrs.get().isDirectory()) {
          entries.add(FileInfo.dir(entryPath));
        } else if (attrs.get().isRegularFile()) {
          entries.add(FileInfo.file(entryPath, attrs.get().size()));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    entries.sort(Comparator.comparing(FileInfo::path));
    return List.copyOf(entries);
  }

  @Override
  public void delete(ArtifactPath path) throws IOException {
    Objects.requireNonNull(path, "path");
    if (path.isRoot()) {
      throw refused(path, "is the root of the artifact store, which cannot be deleted");
    }
    List<String> segments = path.segments();
    Optional<Path> parent =
        resolveExisting(path, segments.subList(0, segments.size() - 1))
            .filter(p -> Files.isDirectory(p, NOFOLLOW_LINKS));
    if (parent.isEmpty()) {
      throw notFound(path);
    }
    Path target = child(parent.get(), path.name(), path);
    Optional<BasicFileAttributes> attrs = attributes(target);
    if (attrs.isEmpty()) {
      throw notFound(path);
    }
    if (attrs.get().isSymbolicLink()) {
      throw refused(path, "is a symbolic link");
    }
    if (!attrs.get().isDirectory()) {
      try {
        Files.delete(target);
      } catch (NoSuchFileException e) {
        throw notFound(path);
      }
      fsyncDirectory(parent.get());
      return;
    }
    Path grave = tmp.resolve(DELETE_PREFIX + UUID.randomUUID());
    try {
      Files.move(target, grave, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      throw notFound(path);
    } catch (AtomicMoveNotSupportedException e) {
      // The directory is on another file system (a mount point under the root): delete in place.
      deleteTree(target);
      fsyncDirectory(parent.get());
      return;
    }
    fsyncDirectory(parent.get());
    try {
      deleteTree(grave);
    } catch (IOException e) {
      LOG.warn("Could not finish deleting {}; it is removed when the store next opens", grave, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Resolution

  /** Where a write goes: an existing real directory, directories to create under it, a name. */
  private record WriteTarget(Path existing, List<String> missingDirectories, String name) {}

  /**
   * The real path of the file or directory at {@code segments} (a prefix of {@code path}'s), or
   * empty if nothing is there (including under a file or through a broken link).
   *
   * @throws KeelException 400 if a symbolic link on the way leads outside the store
   */
  private Optional<Path> resolveExisting(ArtifactPath path, List<String> segments)
      throws IOException {
    Path current = root;
    for (int i = 0; i < segments.size(); i++) {
      Path next = child(current, segments.get(i), path);
      Optional<BasicFileAttributes> attrs = attributes(next);
      if (attrs.isPresent() && attrs.get().isSymbolicLink()) {
        Path real = resolveLink(next, path).orElse(null);
        if (real == null) {
          return Optional.empty(); // broken link
        }
        next = real;
        attrs = attributes(real);
      }
      if (attrs.isEmpty()) {
        return Optional.empty();
      }
      if (i < segments.size() - 1 && !attrs.get().isDirectory()) {
        return Optional.empty(); // a file where a directory should be
      }
      current = next;
    }
    return Optional.of(current);
  }

  /**
   * Where a write of {@code path} goes, without changing anything.
   *
   * @throws KeelException 400 if the target is a directory, a symbolic link or not a regular file,
   *     lies under a file or a broken link, or a link on the way leads outside the store
   */
  private WriteTarget resolveForWrite(ArtifactPath path) throws IOException {
    List<String> segments = path.segments();
    int last = segments.size() - 1;
    Path current = root;
    for (int i = 0; i <= last; i++) {
      Path next = child(current, segments.get(i), path);
      Optional<BasicFileAttributes> attrs = attributes(next);
      if (attrs.isEmpty()) {
        return new WriteTarget(current, segments.subList(i, last), segments.get(last));
      }
      if (attrs.get().isSymbolicLink()) {
        if (i == last) {
          throw refused(path, "is a symbolic link");
        }
        Path real =
            resolveLink(next, path)
                .orElseThrow(() -> refused(path, "lies under a broken symbolic link"));
        if (!Files.isDirectory(real, NOFOLLOW_LINKS)) {
          throw refused(path, "lies under a file");
        }
        current = real;
      } else if (i == last) {
        if (attrs.get().isDirectory()) {
          throw refused(path, "is a directory");
        }
        if (!attrs.get().isRegularFile()) {
          throw refused(path, "is not a regular file");
        }
        return new WriteTarget(current, List.of(), segments.get(last));
      } else if (attrs.get().isDirectory()) {
        current = next;
      } else {
        throw refused(path, "lies under a file");
      }
    }
    throw new AssertionError("unreachable: a non-root path has a last segment");
  }

  /** Creates the missing directories of a write, fsyncing each into its parent. */
  private static Path createMissingDirectories(WriteTarget target) throws IOException {
    Path current = target.existing();
    for (String name : target.missingDirectories()) {
      Path next = current.resolve(name);
      Files.createDirectory(next);
      fsyncDirectory(current);
      current = next;
    }
    return current;
  }

  /**
   * The real path a symbolic link leads to, or empty if it is broken (or loops).
   *
   * @throws KeelException 400 if it leads outside the store or into its hidden folder
   */
  private Optional<Path> resolveLink(Path link, ArtifactPath path) {
    Path real;
    try {
      real = link.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!isInside(real)) {
      throw refused(path, "leads outside the artifact store through a symbolic link");
    }
    return Optional.of(real);
  }

  /** Like {@link #resolveLink} for listings: a link that leads outside is skipped, not refused. */
  private Optional<Path> realPathIfInside(Path link) {
    try {
      Path real = link.toRealPath();
      return isInside(real) ? Optional.of(real) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private boolean isInside(Path real) {
    return real.startsWith(root) && !real.startsWith(tmp);
  }

  private static Path child(Path dir, String name, ArtifactPath path) {
    try {
      return dir.resolve(name);
    } catch (InvalidPathException e) {
      throw refused(path, "cannot be represented on this server's file system");
    }
  }

  /** The attributes of {@code p} itself (not following a link), or empty if it does not exist. */
  private static Optional<BasicFileAttributes> attributes(Path p) throws IOException {
    try {
      return Optional.of(Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // File system helpers

  private static long copy(InputStream in, FileChannel out) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buffer = ByteBuffer.wrap(chunk);
    long total = 0;
    int n;
    while ((n = in.read(chunk)) != -1) {
      buffer.clear().limit(n);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      total += n;
    }
    return total;
  }

  /** Makes a directory's entries (creations, renames, deletions) durable. */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!WINDOWS) { // Windows cannot open a directory as a channel; NTFS journals metadata
        throw e;
      }
    }
  }

  private void prepareTmp() throws IOException {
    Optional<BasicFileAttributes> attrs = attributes(tmp);
    if (attrs.isEmpty()) {
      try {
        if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.createDirectory(
              tmp,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(tmp);
        }
        fsyncDirectory(root);
      } catch (FileAlreadyExistsException e) {
        // created concurrently by another store on the same root
      }
      attrs = attributes(tmp);
    }
    if (attrs.isEmpty() || !attrs.get().isDirectory()) {
      throw new IOException(tmp + " must be a directory (not a file or a symbolic link)");
    }
    Instant staleBefore = Instant.now().minus(STALE_UPLOAD);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
      for (Path leftover : leftovers) {
        String name = leftover.getFileName().toString();
        Optional<BasicFileAttributes> a = attributes(leftover);
        boolean stale =
            name.startsWith(DELETE_PREFIX)
                || (a.isPresent() && a.get().lastModifiedTime().toInstant().isBefore(staleBefore));
        if (stale) {
          try {
            deleteTree(leftover);
          } catch (IOException e) {
            LOG.warn("Could not remove leftover {}", leftover, e);
          }
        }
      }
    }
  }

  /** Deletes a file or a directory tree without following symbolic links (links are unlinked). */
  private static void deleteTree(Path top) throws IOException {
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not remove temporary file {}", file, e);
    }
  }

  private static KeelException refused(ArtifactPath path, String why) {
    return KeelException.invalid("Invalid path: '" + path.value() + "' " + why);
  }

  private static KeelException notFound(ArtifactPath path) {
    return KeelException.notFound("No artifact at '" + path.value() + "'");
  }
}
