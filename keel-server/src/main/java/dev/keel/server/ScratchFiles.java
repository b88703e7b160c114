package dev.keel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties a server's scratch directories at start: what a killed process left there (spooled
 * uploads, half-built training sets, DuckDB spill files) belongs to no request any more.
 */
final class ScratchFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchFiles.class);

  private ScratchFiles() {}

  /** Deletes everything inside {@code dir} (not {@code dir} itself); a missing dir is fine. */
  static void clean(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    long[] count = {0, 0};
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .filter(p -> !p.equals(dir))
          .forEach(
              p -> {
                try {
                  if (Files.isRegularFile(p)) {
                    count[0]++;
                    count[1] += Files.size(p);
                  }
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not empty the scratch directory {}: {}", dir, e.toString());
      return;
    }
    if (count[0] > 0) {
      LOG.info("Removed {} leftover scratch file(s) ({} bytes) from {}", count[0], count[1], dir);
    }
  }
}
