package dev.keel.client;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An entry of an artifact listing.
 *
 * @param path path relative to the run's artifact root, e.g. {@code model/MLmodel}
 * @param isDir whether it is a directory
 * @param fileSize size in bytes; empty for directories
 */
public record FileInfo(String path, boolean isDir, OptionalLong fileSize) {
  public FileInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(fileSize, "fileSize");
  }
}
