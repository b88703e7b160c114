package dev.keel.catalog.permissions;

import dev.keel.core.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The owner and the direct access control entries of one object, as stored.
 *
 * @param owner the creator, who holds {@code CAN_MANAGE}; empty for objects created before
 *     governance (administrators manage them)
 * @param entries the direct entries, one per grantee, ordered by type then name
 */
public record Acl(Optional<Grantee> owner, List<AccessControl> entries) {
  /** No owner, no entries. */
  public static final Acl EMPTY = new Acl(Optional.empty(), List.of());

  /** Checks for nulls and copies. */
  public Acl {
    Objects.requireNonNull(owner, "owner");
    entries = List.copyOf(entries);
  }

  /**
   * The highest level {@code p} holds here: through ownership, its own entry or one of its groups'
   * (matched by name, as {@link Principal#is} and the list filters match). Administrators are not
   * special here (callers let them through before asking).
   */
  public Optional<PermissionLevel> levelOf(Principal p) {
    if (owner.isPresent() && p.is(owner.get().name())) {
      return Optional.of(PermissionLevel.CAN_MANAGE);
    }
    PermissionLevel best = null;
    for (AccessControl e : entries) {
      if (p.is(e.grantee().name()) && (best == null || e.level().rank() > best.rank())) {
        best = e.level();
      }
    }
    return Optional.ofNullable(best);
  }
}
