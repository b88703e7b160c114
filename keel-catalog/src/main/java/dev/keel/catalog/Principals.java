package dev.keel.catalog;

import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The principals grants, access control lists and owners may name: users (by {@code userName}),
 * groups (by {@code displayName}) and service principals (by {@code applicationId}), looked up
 * ignoring case. What the identity store knows, plugged in by the composition root; the grants,
 * object permissions and owner changes refuse any other name with {@code INVALID_PARAMETER_VALUE}
 * naming the request field, and store the name in its canonical spelling (the one the identity was
 * created with), so that it matches the principal a token authenticates as.
 */
@FunctionalInterface
public interface Principals {
  /** What a principal is. */
  enum Kind {
    USER("user"),
    GROUP("group"),
    SERVICE_PRINCIPAL("service principal");

    private final String words;

    Kind(String words) {
      this.words = words;
    }

    /** How messages name the kind: {@code user}, {@code group}, {@code service principal}. */
    public String words() {
      return words;
    }
  }

  /**
   * A principal that exists.
   *
   * @param name its name as the identity store spells it
   * @param kind what it is
   */
  record Known(String name, Kind kind) {
    /** Checks for nulls. */
    public Known {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** The principal named {@code name}, ignoring case; empty when there is none. */
  Optional<Known> named(String name);

  /**
   * Every group the principal named {@code name} belongs to, directly or through nested groups;
   * empty when there is no such principal or it is in no group.
   */
  default Set<String> groupNamesOf(String name) {
    return Set.of();
  }

  /**
   * The principal {@code name} names, of any kind.
   *
   * @param field the request field that named it, for the error ({@code changes[0].principal})
   * @throws KeelException INVALID_ARGUMENT naming the field when no principal has that name
   */
  default Known require(String field, String name) {
    return named(name)
        .orElseThrow(
            () ->
                KeelException.invalid(
                    "'" + field + "': no user, group or service principal named '" + name + "'."));
  }

  /**
   * The principal of {@code kind} that {@code name} names.
   *
   * @param field the request field that named it ({@code access_control_list[1].group_name})
   * @throws KeelException INVALID_ARGUMENT naming the field when no principal of that kind has the
   *     name (saying what the name is, when it names another kind)
   */
  default Known require(String field, String name, Kind kind) {
    Optional<Known> found = named(name);
    if (found.isPresent() && found.get().kind() == kind) {
      return found.get();
    }
    throw KeelException.invalid(
        "'"
            + field
            + "': no "
            + kind.words()
            + " named '"
            + name
            + "'"
            + found.map(k -> " (" + k.name() + " is a " + k.kind().words() + ")").orElse("")
            + ".");
  }

  /**
   * These principals and, when no identity has its name, the single local user {@link
   * Principal#LOCAL} ({@code keel}) of a server that runs without authentication: it owns what such
   * a server creates, so it can be named in grants and as an owner too.
   */
  default Principals withLocalUser() {
    Principals known = this;
    return new Principals() {
      @Override
      public Optional<Known> named(String name) {
        Optional<Known> found = known.named(name);
        if (found.isPresent()) {
          return found;
        }
        return name.toLowerCase(Locale.ROOT).equals(Principal.LOCAL.name().toLowerCase(Locale.ROOT))
            ? Optional.of(new Known(Principal.LOCAL.name(), Kind.USER))
            : Optional.empty();
      }

      @Override
      public Set<String> groupNamesOf(String name) {
        return known.groupNamesOf(name);
      }
    };
  }
}
