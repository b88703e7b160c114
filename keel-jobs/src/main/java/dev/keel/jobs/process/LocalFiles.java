package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a task's file ({@code python_file}, {@code jar_uri}, a library) is on this machine. Keel
 * runs local files only: an absolute path, a {@code file:} URI, or a path relative to {@link
 * ProcessTaskConfig#filesRoot()}. Databricks' remote places ({@code dbfs:}, {@code /Workspace/},
 * {@code /Volumes/}, cloud URIs) are refused with the reason.
 */
final class LocalFiles {
  private LocalFiles() {}

  /**
   * Checks that {@code location} names a local file, without looking at the disk.
   *
   * @throws KeelException INVALID_ARGUMENT naming {@code field} and the reason
   */
  static void check(String location, String field) {
    refuseRemote(location, field);
    if (location.startsWith("file:")) {
      fileUri(location, field);
    } else {
      try {
        Path.of(location);
      } catch (InvalidPathException e) {
        throw KeelException.invalid(field + ": not a valid path: " + e.getReason());
      }
    }
  }

  /**
   * The local path {@code location} names, relative paths against {@code root}.
   *
   * @throws KeelException INVALID_ARGUMENT naming {@code field} and the reason
   */
  static Path resolve(String location, Path root, String field) {
    check(location, field);
    Path p = location.startsWith("file:") ? fileUri(location, field) : Path.of(location);
    return root.resolve(p).toAbsolutePath().normalize();
  }

  private static void refuseRemote(String location, String field) {
    if (location.startsWith("dbfs:")) {
      throw KeelException.invalid(
          field
              + ": dbfs: paths are not supported; Keel runs local files (an absolute path, a"
              + " file: URI, or a path relative to jobs.files-root)");
    }
    if (location.startsWith("/Workspace/") || location.startsWith("/Users/")) {
      throw KeelException.invalid(
          field
              + ": workspace paths are not supported; Keel runs local files (an absolute path,"
              + " a file: URI, or a path relative to jobs.files-root)");
    }
    if (location.startsWith("/Volumes/")) {
      throw KeelException.invalid(
          field + ": Unity Catalog volume paths are not supported by Keel; use a local path");
    }
    int colon = location.indexOf(':');
    if (colon > 1 && !location.startsWith("file:")) {
      String scheme = location.substring(0, colon);
      if (scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
        throw KeelException.invalid(
            field + ": " + scheme + ": URIs are not supported; Keel runs local files");
      }
    }
  }

  private static Path fileUri(String location, String field) {
    try {
      URI uri = new URI(location);
      if (uri.getAuthority() != null
          && !uri.getAuthority().isEmpty()
          && !uri.getAuthority().equals("localhost")) {
        throw KeelException.invalid(field + ": a file: URI must be local (no host)");
      }
      if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
        throw KeelException.invalid(field + ": a file: URI needs an absolute path");
      }
      return Path.of(uri.getPath());
    } catch (URISyntaxException | InvalidPathException e) {
      throw KeelException.invalid(field + ": not a valid file: URI: " + e.getMessage());
    }
  }
}
