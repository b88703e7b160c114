package dev.keel.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the copies of native libraries that drivers extract to the temp folder once they are
 * loaded. DuckDB's JDBC driver copies its 70 MB library to {@code java.io.tmpdir} under a random
 * name on every start and deletes it only when the JVM exits normally, so every killed or crashed
 * process (server, CLI, test fork) left one behind. On Linux a loaded library stays mapped after
 * its file is removed, so the file can go as soon as it is loaded: a process killed later leaves
 * nothing. Only files this process has mapped are removed (listed in {@code /proc/self/maps}), so
 * another process's copy, which it may not have loaded yet, is never touched. Elsewhere (no {@code
 * /proc}) this does nothing and the driver's own delete-on-exit remains.
 */
public final class NativeLibraries {
  /** The prefix of the file DuckDB's JDBC driver extracts its library to. */
  public static final String DUCKDB = "libduckdb_java";

  /** The prefix of the folder ONNX Runtime extracts its libraries to. */
  public static final String ONNX_RUNTIME = "onnxruntime-java";

  /** The prefix of the file XGBoost4J extracts its library to. */
  public static final String XGBOOST = "libxgboost4j";

  private static final java.util.Set<String> DONE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private NativeLibraries() {}

  /**
   * {@link #forgetExtracted(String)} the first time it is called for {@code prefix} in this JVM
   * (call it right after the library was first used: a driver loads its library once per JVM).
   */
  public static void forgetExtractedOnce(String prefix) {
    if (DONE.add(prefix)) {
      forgetExtracted(prefix);
    }
  }

  /**
   * Deletes every file this process has mapped (a loaded library) that lies in {@code
   * java.io.tmpdir} and whose name starts with {@code prefix}, or that lies in a folder there whose
   * name starts with {@code prefix} (the folder goes too once empty), and answers the files
   * deleted.
   */
  public static List<Path> forgetExtracted(String prefix) {
    return forgetExtracted(prefix, Path.of(System.getProperty("java.io.tmpdir")));
  }

  static List<Path> forgetExtracted(String prefix, Path tmp) {
    Path maps = Path.of("/proc/self/maps");
    List<Path> out = new ArrayList<>();
    if (!Files.isReadable(maps)) {
      return out;
    }
    Path dir;
    List<String> lines;
    try {
      dir = tmp.toRealPath();
      lines = Files.readAllLines(maps);
    } catch (IOException | RuntimeException e) {
      return out;
    }
    for (String line : lines) {
      int slash = line.indexOf('/');
      if (slash < 0 || line.endsWith("(deleted)")) {
        continue;
      }
      Path file;
      try {
        file = Path.of(line.substring(slash).trim());
      } catch (InvalidPathException e) {
        continue;
      }
      Path parent = file.getParent();
      boolean direct =
          dir.equals(parent)
              && file.getFileName() != null
              && file.getFileName().toString().startsWith(prefix);
      boolean inFolder =
          parent != null
              && dir.equals(parent.getParent())
              && parent.getFileName().toString().startsWith(prefix);
      if ((!direct && !inFolder) || out.contains(file)) {
        continue;
      }
      try {
        if (Files.deleteIfExists(file)) {
          out.add(file);
        }
        if (inFolder) {
          try (var left = Files.list(parent)) {
            if (left.findAny().isEmpty()) {
              Files.deleteIfExists(parent);
            }
          }
        }
      } catch (IOException e) {
        // not ours to remove after all (permissions): the driver's delete-on-exit remains
      }
    }
    return out;
  }
}
