package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.IdentitiesClient;
import dev.keel.client.IdentitiesClient.Kind;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel users|groups|service-principals ...}: identities over SCIM, for administrators. Each
 * is named as grants name it: a user's userName, a group's name, a service principal's
 * applicationId.
 */
final class IdentitiesCommand {
  private IdentitiesCommand() {}

  /** {@code keel users ...}. */
  @Command(
      name = "users",
      aliases = "user",
      description = "Create, list and delete users (administrators).",
      mixinStandardHelpOptions = true,
      synopsisSubcommandLabel = "COMMAND")
  static final class Users {
    @Command(name = "create", description = "Create a user.", mixinStandardHelpOptions = true)
    int create(
        @Mixin ClientOptions opts,
        @Parameters(paramLabel = "USER_NAME", description = "e.g. alice@example.com") String name,
        @Option(names = "--display-name", paramLabel = "TEXT", defaultValue = "")
            String displayName) {
      return IdentitiesCommand.create(opts, Kind.USER, name, displayName);
    }

    @Command(name = "list", description = "List users.", mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions opts) {
      return IdentitiesCommand.list(opts, Kind.USER);
    }

    @Command(
        name = "delete",
        description = "Delete a user, its memberships and its tokens.",
        mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "USER_NAME") String name) {
      return IdentitiesCommand.delete(opts, Kind.USER, name);
    }
  }

  /** {@code keel groups ...}. */
  @Command(
      name = "groups",
      aliases = "group",
      description = "Create, list and delete groups and change their members (administrators).",
      mixinStandardHelpOptions = true,
      synopsisSubcommandLabel = "COMMAND")
  static final class Groups {
    @Command(name = "create", description = "Create a group.", mixinStandardHelpOptions = true)
    int create(@Mixin ClientOptions opts, @Parameters(paramLabel = "NAME") String name) {
      return IdentitiesCommand.create(opts, Kind.GROUP, name, "");
    }

    @Command(name = "list", description = "List groups.", mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions opts) {
      return IdentitiesCommand.list(opts, Kind.GROUP);
    }

    @Command(
        name = "delete",
        description = "Delete a group (its members stay).",
        mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "NAME") String name) {
      return IdentitiesCommand.delete(opts, Kind.GROUP, name);
    }

    @Command(
        name = "add-member",
        description = "Add a user, group or service principal to a group.",
        mixinStandardHelpOptions = true)
    int addMember(
        @Mixin ClientOptions opts,
        @Parameters(index = "0", paramLabel = "GROUP") String group,
        @Parameters(index = "1", paramLabel = "MEMBER") String member) {
      try (KeelClient client = opts.client()) {
        client.identities().addMember(group, member);
        opts.out().done("Added " + member + " to " + group + ".");
      }
      return 0;
    }

    @Command(
        name = "remove-member",
        description = "Remove a member from a group.",
        mixinStandardHelpOptions = true)
    int removeMember(
        @Mixin ClientOptions opts,
        @Parameters(index = "0", paramLabel = "GROUP") String group,
        @Parameters(index = "1", paramLabel = "MEMBER") String member) {
      try (KeelClient client = opts.client()) {
        client.identities().removeMember(group, member);
        opts.out().done("Removed " + member + " from " + group + ".");
      }
      return 0;
    }
  }

  /** {@code keel service-principals ...}. */
  @Command(
      name = "service-principals",
      aliases = "service-principal",
      description =
          "Create, list and delete service principals (administrators); issue their tokens with"
              + " keel tokens create --for APPLICATION_ID.",
      mixinStandardHelpOptions = true,
      synopsisSubcommandLabel = "COMMAND")
  static final class ServicePrincipals {
    @Command(
        name = "create",
        description = "Create a service principal; prints its applicationId.",
        mixinStandardHelpOptions = true)
    int create(
        @Mixin ClientOptions opts,
        @Parameters(paramLabel = "DISPLAY_NAME") String displayName,
        @Option(
                names = "--application-id",
                paramLabel = "ID",
                defaultValue = "",
                description = "Its applicationId (default: a generated UUID).")
            String applicationId) {
      return IdentitiesCommand.create(opts, Kind.SERVICE_PRINCIPAL, applicationId, displayName);
    }

    @Command(
        name = "list",
        description = "List service principals.",
        mixinStandardHelpOptions = true)
    int list(@Mixin ClientOptions opts) {
      return IdentitiesCommand.list(opts, Kind.SERVICE_PRINCIPAL);
    }

    @Command(
        name = "delete",
        description = "Delete a service principal and its tokens.",
        mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "APPLICATION_ID") String name) {
      return IdentitiesCommand.delete(opts, Kind.SERVICE_PRINCIPAL, name);
    }
  }

  static int create(ClientOptions opts, Kind kind, String name, String displayName) {
    try (KeelClient client = opts.client()) {
      IdentitiesClient.Identity i = client.identities().create(kind, name, displayName);
      opts.out()
          .print(json(i), () -> opts.out().line("Created " + i.name() + " (id " + i.id() + ")."));
    }
    return 0;
  }

  static int list(ClientOptions opts, Kind kind) {
    try (KeelClient client = opts.client()) {
      List<IdentitiesClient.Identity> all = client.identities().list(kind);
      Output out = opts.out();
      ObjectNode json = KeelJson.object();
      ArrayNode a = json.putArray("Resources");
      all.forEach(i -> a.add(json(i)));
      out.print(
          json,
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (IdentitiesClient.Identity i : all) {
              rows.add(
                  List.of(
                      i.name(),
                      i.id(),
                      kind == Kind.GROUP
                          ? String.join(", ", i.members())
                          : i.displayName() + (i.active() ? "" : " (inactive)"),
                      String.join(", ", i.groups())));
            }
            out.table(
                List.of("NAME", "ID", kind == Kind.GROUP ? "MEMBERS" : "DISPLAY NAME", "GROUPS"),
                rows,
                "None.");
          });
    }
    return 0;
  }

  static int delete(ClientOptions opts, Kind kind, String name) {
    try (KeelClient client = opts.client()) {
      client.identities().delete(kind, name);
      opts.out().done("Deleted " + name + ".");
    }
    return 0;
  }

  private static ObjectNode json(IdentitiesClient.Identity i) {
    ObjectNode n = KeelJson.object();
    n.put("id", i.id());
    n.put("name", i.name());
    n.put("displayName", i.displayName());
    n.put("active", i.active());
    ArrayNode g = n.putArray("groups");
    i.groups().forEach(g::add);
    if (i.kind() == Kind.GROUP) {
      ArrayNode m = n.putArray("members");
      i.members().forEach(m::add);
    }
    return n;
  }
}
