package dev.keel.cli;

import dev.keel.core.KeelVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel version}: prints the version of this Keel distribution. */
@Command(name = "version", description = "Print Keel's version.", mixinStandardHelpOptions = true)
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("keel " + KeelVersion.get());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
