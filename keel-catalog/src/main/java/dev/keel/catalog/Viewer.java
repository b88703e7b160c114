package dev.keel.catalog;

import dev.keel.core.Principal;
import java.util.List;
import java.util.Objects;

/**
 * Whose eyes a list is filtered for: an administrator sees everything, anyone else what they own or
 * were granted, directly or through their groups ({@link #names}).
 *
 * @param all true for an administrator: no filter
 * @param names the principal's name and the names of all its groups
 */
public record Viewer(boolean all, List<String> names) {
  /** Sees everything (administrators, and the local user of a server without authentication). */
  public static final Viewer ALL = new Viewer(true, List.of());

  public Viewer {
    Objects.requireNonNull(names, "names");
    names = List.copyOf(names);
    if (!all && names.isEmpty()) {
      throw new IllegalArgumentException("a filtered viewer needs at least one name");
    }
  }

  /** The viewer {@code p} is. */
  public static Viewer of(Principal p) {
    if (p.admin()) {
      return ALL;
    }
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    names.add(p.name());
    p.groups().stream().sorted().forEach(names::add);
    return new Viewer(false, names);
  }
}
