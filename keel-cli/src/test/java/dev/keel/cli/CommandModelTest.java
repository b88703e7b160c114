package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@link Main#commandLine} builds only the commands an invocation names; what a user sees must be
 * what the fully built command line shows.
 */
class CommandModelTest {

  record Result(int exit, String out, String err) {}

  /** Runs {@code args} on a command line built for {@code builtFor}. */
  static Result run(String[] builtFor, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(Map.of(), builtFor);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Runs {@code args} as {@code keel} does: built for those arguments. */
  static Result lazily(String... args) {
    return run(args, args);
  }

  /** Runs {@code args} on a command line with every command built. */
  static Result fully(String... args) {
    return run(everyName().toArray(String[]::new), args);
  }

  static List<String> everyName() {
    List<String> names = new ArrayList<>();
    for (Class<?> type : Main.COMMANDS) {
      Command c = type.getAnnotation(Command.class);
      names.add(c.name());
      names.addAll(List.of(c.aliases()));
    }
    return names;
  }

  @Test
  void only_the_named_commands_are_built() {
    CommandLine cmd = Main.commandLine(Map.of(), "experiments", "list");
    assertThat(cmd.getSubcommands().get("experiments").getSubcommands()).containsKey("list");
    assertThat(
            cmd.getSubcommands().get("runs").getCommandSpec().userObject() instanceof RunsCommand)
        .isFalse();
    assertThat(cmd.getSubcommands().get("runs").getSubcommands()).isEmpty();
  }

  @Test
  void arguments_may_repeat() {
    Result r = lazily("version", "version");
    assertThat(r).isEqualTo(fully("version", "version"));
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void an_argument_file_builds_every_command() {
    CommandLine cmd = Main.commandLine(Map.of(), "@args.txt");
    assertThat(cmd.getSubcommands().get("runs").getCommandSpec().userObject())
        .isInstanceOf(RunsCommand.class);
  }

  @Test
  void the_top_level_usage_is_the_same_as_with_every_command_built() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {}, new String[] {"help"})) {
      Result full = fully(args);
      Result lazy = lazily(args);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(full);
      assertThat(full.out() + full.err())
          .contains("experiments, experiment")
          .contains("Create, list and manage experiments.")
          .contains("service-principals");
    }
  }

  @Test
  void every_command_and_alias_answers_its_help_as_when_fully_built() {
    for (String name : everyName()) {
      Result full = fully(name, "--help");
      assertThat(lazily(name, "--help")).as(name).isEqualTo(full);
      assertThat(full.exit()).as(name).isZero();
      assertThat(lazily("help", name)).as("help " + name).isEqualTo(fully("help", name));
    }
    Result server = lazily("server", "--help");
    assertThat(server.out()).contains("KEEL_PORT");
  }

  @Test
  void mistyped_commands_get_the_same_hints() {
    for (String[] args :
        List.of(
            new String[] {"experimnts", "list"},
            new String[] {"experiments", "lst"},
            new String[] {"--nope"},
            new String[] {"version", "extra"})) {
      Result lazy = lazily(args);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(fully(args));
      assertThat(lazy.exit()).isEqualTo(Main.EXIT_USAGE);
    }
    assertThat(lazily("experimnts").err()).contains("experiments");
  }

  @Test
  void version_is_printed_by_every_spelling() {
    Stream.of(new String[] {"version"}, new String[] {"--version"}, new String[] {"runs", "-V"})
        .forEach(args -> assertThat(lazily(args).out()).as(args[0]).startsWith("keel "));
  }
}
