package dev.keel.serving.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU priority of a background thread (table writes of the inference logger), so on a
 * machine with few cores its bursts of work never keep a request thread waiting for a core. The
 * thread gets Linux's {@code SCHED_IDLE} policy (it runs only on a core nothing else wants; an
 * unprivileged process may choose it for its own threads) and nice {@value #NICE} (what remains if
 * {@code SCHED_IDLE} is refused). With nice 10 alone, inference logging added 64–119 % to the p99
 * of scoring requests on 2 cores in single runs; with {@code SCHED_IDLE} 9–49 %, and +21.5 % pooled
 * over five alternating window pairs (docs/benchmarks.md, serving, session 3). The cost: under a
 * sustained full load the thread may wait long, and what it serves (a bounded queue) drops and
 * counts instead of slowing requests.
 *
 * <p>Linux only, where a thread has its own policy and nice value: the thread's id is read from
 * {@code /proc/thread-self} and given to {@code renice} and {@code chrt} (util-linux). Elsewhere,
 * or when they are missing, the thread keeps its priority.
 */
final class BackgroundPriority {
  /** The nice value given to background threads. */
  public static final int NICE = 10;

  private BackgroundPriority() {}

  /** Linux's {@code SCHED_IDLE} scheduling policy number. */
  public static final int SCHED_IDLE = 5;

  /**
   * Gives the calling thread {@code SCHED_IDLE} and nice {@link #NICE}.
   *
   * @return whether its priority was lowered at all
   */
  static boolean lowerCurrentThread() {
    try {
      String tid = currentThreadId();
      if (tid == null) {
        return false;
      }
      boolean niced = run("renice", "-n", Integer.toString(NICE), "-p", tid);
      return run("chrt", "--idle", "-p", "0", tid) || niced;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The Linux thread id of the calling thread, or null where there is none. */
  static String currentThreadId() {
    Path self = Path.of("/proc/thread-self");
    try {
      if (!Files.isSymbolicLink(self)) {
        return null;
      }
      String tid = Files.readSymbolicLink(self).getFileName().toString();
      return tid.chars().allMatch(Character::isDigit) ? tid : null;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * Gives thread {@code tid} back the default policy and nice 0 (best effort: it takes the
   * privilege to raise a priority, which a process running as root in a container has), called by a
   * thread of normal priority for one that must now finish soon.
   *
   * @return whether its policy was restored
   */
  static boolean restore(String tid) {
    try {
      int nice = currentNice();
      run("renice", "-n", Integer.toString(nice == Integer.MIN_VALUE ? 0 : nice), "-p", tid);
      return run("chrt", "--other", "-p", "0", tid);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean run(String... cmd) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  /**
   * The nice value of the calling thread, or {@code Integer.MIN_VALUE} where it cannot be read (not
   * Linux).
   */
  public static int currentNice() {
    return statField(19);
  }

  /**
   * The scheduling policy of the calling thread ({@link #SCHED_IDLE}, 0 for the default), or {@code
   * Integer.MIN_VALUE} where it cannot be read (not Linux).
   */
  public static int currentPolicy() {
    return statField(41);
  }

  /** Field {@code n} (1-based, as in proc(5)) of {@code /proc/thread-self/stat}. */
  private static int statField(int n) {
    try {
      // field 2 (comm) is in parentheses and may contain spaces; fields 3.. follow the last ')'
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Integer.parseInt(rest[n - 3]);
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }
}
