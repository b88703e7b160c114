package dev.keel.cli;

import dev.keel.client.KeelClientException;
import dev.keel.core.KeelException;
import dev.keel.core.KeelVersion;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    synopsisSubcommandLabel = "COMMAND")
public final class Main implements Callable<Integer> {
  /**
   * The top-level commands, in the order {@code keel --help} lists them. Only those an invocation
   * names are built (see {@link #commandLine}); picocli's {@link CommandLine.HelpCommand} is cheap
   * and always built.
   */
  static final List<Class<?>> COMMANDS =
      List.of(
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
          JobsCommand.class,
          MonitorsCommand.class,
          AlertsCommand.class,
          MlCommand.class,
          VersionCommand.class);

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
    int code = commandLine(System.getenv(), args).execute(args);
    System.exit(code);
  }

  /**
   * A configured command line reading settings from {@code env}, able to run {@code args}; set its
   * out and err writers and call {@link CommandLine#execute} with the same {@code args} to run a
   * command in-process.
   *
   * <p>picocli builds a command's model by reflection over every option of every subcommand, which
   * cost about a second of CPU per invocation when all of them were built. So only the top-level
   * commands whose name or alias occurs in {@code args} are built; every other one is a stand-in
   * holding just what {@code keel --help} and the "did you mean" hints show of it (name, aliases,
   * header, description, hidden). An argument file ({@code @file}) may name any command, so with
   * one everything is built.
   */
  public static CommandLine commandLine(Map<String, String> env, String... args) {
    Set<String> named = new HashSet<>(Arrays.asList(args));
    boolean all = Arrays.stream(args).anyMatch(a -> a.startsWith("@"));
    CommandLine cmd = new CommandLine(new Main(env));
    for (Class<?> type : COMMANDS) {
      Command c = type.getAnnotation(Command.class);
      boolean wanted =
          all || named.contains(c.name()) || Arrays.stream(c.aliases()).anyMatch(named::contains);
      cmd.addSubcommand(c.name(), wanted ? new CommandLine(type) : standIn(c));
    }
    cmd.addSubcommand(new CommandLine(CommandLine.HelpCommand.class));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler(PARAMETER_ERRORS);
    cmd.setExecutionExceptionHandler(EXECUTION_ERRORS);
    shareVersion(cmd, new Version());
    CommandLine server = cmd.getSubcommands().get("server");
    if (server.getCommandSpec().userObject() instanceof ServerCommand) {
      server.getCommandSpec().usageMessage().footer(ServerCommand.settingsHelp());
    }
    return cmd;
  }

  /** What the root's usage and hints read of a command that is not built: never executed. */
  private static CommandLine standIn(Command c) {
    CommandSpec spec = CommandSpec.create().name(c.name()).aliases(c.aliases());
    spec.usageMessage().header(c.header()).description(c.description()).hidden(c.hidden());
    return new CommandLine(spec);
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
      return new String[] {"keel " + KeelVersion.get()};
    }
  }
}
