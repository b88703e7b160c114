package dev.keel.tracking.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Storage for artifacts, addressed by safe relative paths like {@code
 * 3/abc.../artifacts/model/MLmodel}. Implementations are thread-safe and stream data in bounded
 * chunks: no operation holds a whole file in memory.
 *
 * <p>Errors the caller can act on are {@link dev.keel.core.KeelException}s: 404 NOT_FOUND for
 * something missing, 400 INVALID_ARGUMENT for a path that the store refuses (for instance one that
 * would lead outside the store through a symbolic link).
 */
public interface ArtifactStore {

  /**
   * Streams {@code in} to {@code path}, creating parent directories, replacing any file already
   * there. Atomic and durable: a reader sees either the previous content or the whole new content,
   * never a half-written file; once this returns the file survives a crash; if it fails (including
   * when {@code in} throws), the previous content is intact and nothing is left behind. Does not
   * close {@code in}.
   *
   * @return the number of bytes written
   * @throws dev.keel.core.KeelException 400 if {@code path} is the root, a directory, a symbolic
   *     link, lies under a file, or leads outside the store
   */
  long put(ArtifactPath path, InputStream in) throws IOException;

  /**
   * Opens a file for streaming; the caller closes the stream.
   *
   * @throws dev.keel.core.KeelException 404 if there is no such file (or it is a directory)
   */
  InputStream open(ArtifactPath path) throws IOException;

  /**
   * The size in bytes of a file, or empty if there is no such file (or it is a directory).
   *
   * @throws dev.keel.core.KeelException 400 if {@code path} leads outside the store
   * @throws java.io.UncheckedIOException if the store cannot be read
   */
  OptionalLong size(ArtifactPath path);

  /**
   * The entries directly under a directory (the root for the empty path), sorted by name, each with
   * its path relative to the store root. Empty when the directory does not exist or is a file.
   */
  List<FileInfo> list(ArtifactPath dir) throws IOException;

  /**
   * Deletes a file or a whole directory tree.
   *
   * @throws dev.keel.core.KeelException 404 if nothing is there; 400 for the root or a symbolic
   *     link
   */
  void delete(ArtifactPath path) throws IOException;
}
