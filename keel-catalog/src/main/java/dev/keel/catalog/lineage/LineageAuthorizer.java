package dev.keel.catalog.lineage;

import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides {@link SecurableType#LINEAGE}: the lineage of a securable (its name, or a node id {@code
 * TYPE:name}) may be read by whoever may see the securable itself, as {@link LineageView} decides
 * it with the authorizer of the securable's own type (a table Keel does not hold, that a run
 * logged, by the run's experiment). What the graph then shows is filtered node by node. Thread-safe
 * when the authorizers are.
 */
public final class LineageAuthorizer implements Authorizer {
  private final LineageService lineage;
  private final Map<SecurableType, Authorizer> authorizers;

  /**
   * An authorizer over {@code lineage}.
   *
   * @param authorizers the server's authorizers by securable type, read at each decision
   */
  public LineageAuthorizer(LineageService lineage, Map<SecurableType, Authorizer> authorizers) {
    this.lineage = Objects.requireNonNull(lineage, "lineage");
    this.authorizers = Objects.requireNonNull(authorizers, "authorizers");
  }

  /** What {@code caller} may see, as the authorizers of each securable type decide. */
  public static LineageView.Viewer viewer(
      Principal caller, Map<SecurableType, Authorizer> authorizers) {
    return (type, name, privilege) -> {
      Authorizer a = authorizers.get(type);
      return a == null ? Optional.of(caller.admin()) : a.may(caller, type, name, privilege);
    };
  }

  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    if (type != SecurableType.LINEAGE) {
      throw new IllegalArgumentException("lineage access does not decide on " + type);
    }
    LineageSource.Root root = lineage.resolve(name, Optional.empty());
    boolean seen = caller.admin() || lineage.visible(root, viewer(caller, authorizers));
    String what = root.node().type().name() + " " + root.node().name();
    return new Decision(
        seen,
        "LINEAGE",
        root.node().id(),
        Privilege.BROWSE.name(),
        seen
            ? "may see " + what
            : (caller.kind() == Principal.Kind.SERVICE_PRINCIPAL ? "Service principal " : "User ")
                + caller.name()
                + " may not see "
                + what
                + ", so not its lineage.");
  }
}
