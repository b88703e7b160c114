package dev.keel.catalog.identity;

import java.util.List;

/**
 * What other capabilities record about a principal by its name: grants, access control entries and
 * owners. {@link IdentityService} tells them when an identity is renamed or deleted, so that a name
 * never keeps rights its identity no longer holds: a later identity of the same name inherits
 * nothing. Each capability implements it over its own tables; the composition root plugs them in.
 */
public interface PrincipalReferences {
  /**
   * The objects {@code name} owns that must change hands before it is deleted, described for a
   * refusal ({@code CATALOG main}); at most {@code limit}.
   */
  List<String> owned(String name, int limit);

  /**
   * Makes every grant, access control entry and owner that names {@code from} name {@code to} (an
   * identity renamed). Entries left to {@code to} by an earlier identity of that name are dropped
   * first.
   */
  void renamed(String from, String to);

  /** Removes every grant and access control entry that names {@code name} (an identity deleted). */
  void deleted(String name);
}
