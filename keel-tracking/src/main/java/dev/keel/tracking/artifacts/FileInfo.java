package dev.keel.tracking.artifacts;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of an artifact listing.
 *
 * @param path the entry's path, relative to the listed store's root (the HTTP layer adapts it to
 *     what its protocol expects)
 * @param isDir whether the entry is a directory
 * @param fileSize the size in bytes of a file; empty for directories
 */
public record FileInfo(String path, boolean isDir, OptionalLong fileSize) {

  /** Checks the components: no nulls, and no size for a directory. */
  public FileInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(fileSize, "fileSize");
    if (isDir && fileSize.isPresent()) {
      throw new IllegalArgumentException("a directory has no file size");
    }
  }

  /** A file entry. */
  public static FileInfo file(String path, long size) {
    return new FileInfo(path, false, OptionalLong.of(size));
  }

  /** A directory entry. */
  public static FileInfo dir(String path) {
    return new FileInfo(path, true, OptionalLong.empty());
  }
}
