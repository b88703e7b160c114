package dev.keel.jobs.process;

/** Stands in for Keel's CLI in {@link KeelTaskTypeTest}: prints its arguments and environment. */
public final class EchoMain {
  private EchoMain() {}

  /** Prints the arguments and the variables the CLI reads; exits 5 when the last is --fail=yes. */
  public static void main(String[] args) {
    System.out.println("args " + String.join(" ", args));
    for (String k : new String[] {"KEEL_URL", "KEEL_HOST", "KEEL_TOKEN", "KEEL_TASK_KEY"}) {
      System.out.println(k + " " + System.getenv(k));
    }
    if (args.length > 0 && args[args.length - 1].equals("--fail=yes")) {
      System.err.println("failing as asked");
      System.exit(5);
    }
  }
}
