package dev.keel.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU priority of a background thread (table writes of the inference logger), so on a
 * machine with few cores its bursts of work never keep a request thread waiting for a core: with
 * Linux's scheduler a woken request thread preempts a thread of nice 10 at once, where against a
 * thread of equal priority it may wait up to a time slice (about 3 ms).
 *
 * <p>Linux only, where a thread has its own nice value: the thread's id is read from {@code
 * /proc/thread-self} and given to {@code renice}. Elsewhere, or when {@code renice} is missing, the
 * thread keeps its priority.
 */
public final class BackgroundPriority {
  /** The nice value given to background threads. */
  public static final int NICE = 10;

  private BackgroundPriority() {}

  /**
   * Lowers the calling thread's priority to {@link #NICE}.
   *
   * @return whether it was lowered
   */
  public static boolean lowerCurrentThread() {
    Path self = Path.of("/proc/thread-self");
    try {
      if (!Files.isSymbolicLink(self)) {
        return false;
      }
      String tid = Files.readSymbolicLink(self).getFileName().toString();
      if (!tid.chars().allMatch(Character::isDigit)) {
        return false;
      }
      Process p =
          new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The nice value of the calling thread, or {@code Integer.MIN_VALUE} where it cannot be read (not
   * Linux).
   */
  public static int currentNice() {
    try {
      // /proc/thread-self/stat: field 19 is the nice value; field 2 (comm) may contain spaces
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(rest[16]);
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }
}
