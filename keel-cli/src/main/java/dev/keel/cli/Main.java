package dev.keel.cli;

import dev.keel.client.KeelClientException;
import dev.keel.core.KeelException;
import dev.keel.server.KeelServer;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code keel} command line. {@link #main} exits the JVM with the command's exit
 * code: 0 on success, 1 when the operation failed, 2 when the command line was invalid.
 */
@Command(
    name = "keel",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keel: an open MLOps platform on the JVM.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      ServerCommand.class,
      ExperimentsCommand.class,
      RunsCommand.class,
      CatalogsCommand.class,
      SchemasCommand.class,
      ModelsCommand.class,
      ArtifactsCommand.class,
      TablesCommand.class,
      FeaturesCommand.class,
      TrainingSetsCommand.class,
      OnlineCommand.class,
      ServeCommand.class,
      EndpointsCommand.class,
      LineageCommand.class,
      TokensCommand.class,
      IdentitiesCommand.Users.class,
      IdentitiesCommand.Groups.class,
      IdentitiesCommand.ServicePrincipals.class,
      AuditCommand.class,
      MlCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  /** Exit code of a failed operation. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of an invalid command line. */
  public static final int EXIT_USAGE = 2;

  private final Map<String, String> env;

  @Spec CommandSpec spec;

  /**
   * The root command.
   *
   * @param env the environment to read {@code KEEL_*} settings from
   */
  public Main(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /** The environment this command line reads its {@code KEEL_*} settings from. */
  Map<String, String> env() {
    return env;
  }

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    int code = commandLine(System.getenv()).execute(args);
    System.exit(code);
  }

  /**
   * A configured command line reading settings from {@code env}; set its out and err writers and
   * call {@link CommandLine#execute} to run a command in-process.
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cmd = new CommandLine(new Main(env));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler(PARAMETER_ERRORS);
    cmd.setExecutionExceptionHandler(EXECUTION_ERRORS);
    shareVersion(cmd, new Version());
    cmd.getSubcommands()
        .get("server")
        .getCommandSpec()
        .usageMessage()
        .footer(ServerCommand.settingsHelp());
    return cmd;
  }

  /** Makes {@code -V} print Keel's version on every subcommand too. */
  private static void shareVersion(CommandLine cmd, Version version) {
    cmd.getCommandSpec().versionProvider(version);
    cmd.getSubcommands().values().forEach(sub -> shareVersion(sub, version));
  }

  /** {@code keel} alone prints the usage and fails. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  private static final IParameterExceptionHandler PARAMETER_ERRORS =
      (ParameterException ex, String[] args) -> {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println(
            "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
      };

  private static final IExecutionExceptionHandler EXECUTION_ERRORS =
      (Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) -> {
        PrintWriter err = cmd.getErr();
        int code = EXIT_FAILURE;
        if (ex instanceof KeelClientException k) {
          err.println("error: " + k.errorCode() + ": " + k.getMessage());
        } else if (ex instanceof KeelException k) {
          err.println("error: " + k.code().name() + ": " + k.getMessage());
        } else if (ex instanceof IllegalArgumentException) {
          err.println("error: INVALID_PARAMETER_VALUE: " + ex.getMessage());
          code = EXIT_USAGE;
        } else {
          err.println("error: INTERNAL_ERROR: " + ex);
        }
        err.flush();
        return code;
      };

  /** {@code keel --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"keel " + KeelServer.version()};
    }
  }
}
