package dev.keel.catalog.identity;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where identities, group memberships and tokens are kept. Implementations check, inside the
 * transaction that writes, that names are unique (ignoring case), that the groups and members named
 * exist, that no group becomes its own member (directly or through nested groups), and that a
 * change does not leave Keel without an administrator where it had one (FAILED_PRECONDITION).
 */
public interface IdentityStore {
  /**
   * The direct relations of an identity to set with it: the groups it is a member of, and (for a
   * group) its members, by id. Empty leaves the relation as it is.
   */
  record Relations(Optional<List<String>> groups, Optional<List<String>> members) {
    /** No change to any relation. */
    public static final Relations UNCHANGED = new Relations(Optional.empty(), Optional.empty());
  }

  /**
   * A filter on one attribute: equal to a value.
   *
   * @param attribute {@code name}, {@code display_name}, {@code id} or {@code external_id}
   * @param value the value; {@code name} compares ignoring case
   */
  record Filter(String attribute, String value) {
    public Filter {
      if (!Set.of("name", "display_name", "id", "external_id").contains(attribute)) {
        throw new IllegalArgumentException("unknown attribute " + attribute);
      }
    }
  }

  /**
   * Adds {@code identity} with its relations.
   *
   * @throws dev.keel.core.KeelException ALREADY_EXISTS when the name is taken; INVALID_ARGUMENT
   *     when a group or member does not exist or a cycle would form
   */
  void create(Identity identity, Relations relations);

  /**
   * Replaces the attributes of the identity with {@code identity.id()} and the relations given.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT as for create
   */
  void update(Identity identity, Relations relations);

  /**
   * Runs {@code work} in one write transaction of this store's database: the store's own writes and
   * any other writes to that database {@code work} makes on this thread commit together or not at
   * all.
   */
  <T> T atomically(java.util.function.Supplier<T> work);

  /** Deletes an identity, its memberships (both ways) and its tokens; false if it was not there. */
  boolean delete(String id);

  /** The identity with this id. */
  Optional<Identity> get(String id);

  /** The identity with this name, ignoring case. */
  Optional<Identity> byName(String name);

  /** Identities of {@code kind} matching {@code filter}, by name, from {@code offset}. */
  List<Identity> list(
      Identity.Kind kind, Optional<Filter> filter, boolean descending, long offset, int limit);

  /** How many identities of {@code kind} match {@code filter}. */
  long count(Identity.Kind kind, Optional<Filter> filter);

  /** The groups {@code memberId} is a direct member of, by name. */
  List<Identity> directGroups(String memberId);

  /** The direct members of group {@code groupId}, by name. */
  List<Identity> directMembers(String groupId);

  /** The names of every group {@code memberId} belongs to, directly or through nested groups. */
  Set<String> allGroupNames(String memberId);

  /**
   * True when an active user or service principal is a member of {@code admins}, directly or
   * through nested groups.
   */
  boolean hasAdministrator();

  /** Stores a new token. */
  void createToken(StoredToken token);

  /** The token with this id. */
  Optional<StoredToken> token(String id);

  /**
   * Tokens, newest first, of the owner and creator given (each empty for any).
   *
   * @param ownerId only tokens owned by this identity
   * @param createdById only tokens created by this identity
   * @param createdByName only tokens created by the identity with this name
   */
  List<StoredToken> tokens(
      Optional<String> ownerId, Optional<String> createdById, Optional<String> createdByName);

  /** Deletes (revokes) a token; false if it was not there. */
  boolean deleteToken(String id);

  /**
   * Runs {@code listener} when another server sharing the database changed identities or tokens,
   * and whenever such changes may have been missed; while the subscription is not live, caches must
   * read through.
   */
  dev.keel.store.Subscription subscribe(Runnable listener);
}
