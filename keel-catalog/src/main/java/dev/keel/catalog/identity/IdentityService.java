package dev.keel.catalog.identity;

import dev.keel.catalog.Principals;
import dev.keel.catalog.identity.IdentityStore.Filter;
import dev.keel.catalog.identity.IdentityStore.Relations;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.store.Subscription;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users, groups, service principals and their personal access tokens: the rules (names, nesting,
 * the built-in {@code admins} group, token lifetimes) over an {@link IdentityStore}, and {@link
 * #authenticate}, which turns a bearer token into the {@link Principal} it stands for.
 *
 * <p>A token is {@value #TOKEN_PREFIX}, its 32-hex-digit id and a 64-hex-digit (256-bit) random
 * secret; only a salted SHA-256 hash of the secret is stored, compared in constant time. Answers of
 * {@link #authenticate} are cached per token id and forgotten on every identity or token change,
 * here and (through the store's change announcements) on every server sharing the database; expiry
 * is checked on every request. Thread-safe.
 */
public final class IdentityService implements Principals {
  /** What every Keel token starts with (so secret scanners can recognise one). */
  public static final String TOKEN_PREFIX = "keel_";

  /** The name of the administrator created at first start. */
  public static final String FIRST_ADMINISTRATOR = "keel";

  /** Most unexpired tokens one identity may hold, as in Databricks. */
  public static final int MAX_TOKENS_PER_IDENTITY = 600;

  /** Longest token lifetime accepted: 100 years. */
  public static final long MAX_LIFETIME_SECONDS = 100L * 365 * 24 * 3600;

  private static final int MAX_NAME = 255;
  private static final int MAX_CACHED = 100_000;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * What a create or a full replace sets.
   *
   * @param name the name attribute ({@code userName}, group {@code displayName}, {@code
   *     applicationId}); empty for a service principal means a generated UUID
   * @param displayName a user's or service principal's display name
   * @param active whether the identity may sign in
   * @param email a user's e-mail
   * @param externalId the id in an external identity provider
   * @param relations the groups it belongs to and (groups) its members, by id
   */
  public record Draft(
      Optional<String> name,
      Optional<String> displayName,
      boolean active,
      Optional<String> email,
      Optional<String> externalId,
      Relations relations) {}

  /**
   * One page of a list.
   *
   * @param items the identities on the page
   * @param total how many match the filter
   * @param startIndex the 1-based index of the first item
   */
  public record ListResult(List<Identity> items, long total, long startIndex) {}

  /**
   * A token just created: its value, shown once, and what is stored.
   *
   * @param value the bearer token
   * @param info the stored token (no secret)
   */
  public record CreatedToken(String value, StoredToken info) {}

  private record Cached(StoredToken token, Principal principal, byte[] salt, byte[] hash) {
    Cached(StoredToken token, Principal principal) {
      this(token, principal, HEX.parseHex(token.salt()), HEX.parseHex(token.hash()));
    }
  }

  private final IdentityStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final Subscription subscription;
  private volatile List<PrincipalReferences> references = List.of();

  /** Most owned objects a refused deletion names. */
  private static final int MAX_OWNED_SHOWN = 10;

  public IdentityService(IdentityStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.subscription = store.subscribe(this::invalidate);
  }

  // ---------------------------------------------------------------- identities

  /** Creates an identity of {@code kind}. */
  public Identity create(Identity.Kind kind, Draft d) {
    Identity i =
        new Identity(
            newId(),
            kind,
            name(kind, d),
            kind == Identity.Kind.GROUP ? Optional.empty() : text("displayName", d.displayName()),
            kind == Identity.Kind.GROUP || d.active(),
            kind == Identity.Kind.USER ? text("emails", d.email()) : Optional.empty(),
            text("externalId", d.externalId()),
            clock.millis());
    store.create(i, relations(kind, i.id(), d.relations()));
    invalidate();
    return i;
  }

  /** Replaces every attribute of the identity {@code id} of {@code kind} (SCIM PUT). */
  public Identity replace(Identity.Kind kind, String id, Draft d) {
    Identity before = get(kind, id);
    String name = name(kind, d);
    if (id.equals(Identity.ADMINS_ID) && !name.equals(Identity.ADMINS)) {
      throw KeelException.invalid("'displayName': the built-in group admins cannot be renamed.");
    }
    Identity after =
        new Identity(
            id,
            kind,
            name,
            kind == Identity.Kind.GROUP ? Optional.empty() : text("displayName", d.displayName()),
            kind == Identity.Kind.GROUP || d.active(),
            kind == Identity.Kind.USER ? text("emails", d.email()) : Optional.empty(),
            text("externalId", d.externalId()),
            before.createdAt());
    // The identity and every grant, access entry and owner naming it change in one transaction:
    // a crash in between would leave rights under a name no identity has, for a later one to take.
    store.atomically(
        () -> {
          store.update(after, relations(kind, id, d.relations()));
          if (!before.name().equals(name)) {
            references.forEach(r -> r.renamed(before.name(), name));
          }
          return null;
        });
    invalidate();
    return after;
  }

  /**
   * Deletes the identity {@code id} of {@code kind}, its memberships, its tokens, and every grant
   * and access control entry naming it. An identity that still owns a catalog, schema, table or
   * registered model is not deleted (FAILED_PRECONDITION naming them): its name would otherwise be
   * left as their owner, for a later identity of the same name to inherit.
   */
  public void delete(Identity.Kind kind, String id) {
    Identity i = get(kind, id);
    if (id.equals(Identity.ADMINS_ID)) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION, "The built-in group admins cannot be deleted.");
    }
    List<String> owned = new ArrayList<>();
    references.forEach(r -> owned.addAll(r.owned(i.name(), MAX_OWNED_SHOWN + 1)));
    if (!owned.isEmpty()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "'"
              + i.name()
              + "' owns "
              + String.join(", ", owned.subList(0, Math.min(owned.size(), MAX_OWNED_SHOWN)))
              + (owned.size() > MAX_OWNED_SHOWN ? " and more" : "")
              + ": give them another owner first, then delete it.");
    }
    store.atomically(
        () -> {
          store.delete(i.id());
          references.forEach(r -> r.deleted(i.name()));
          return null;
        });
    invalidate();
  }

  /**
   * Tells {@code refs} (each capability's grants, access entries and owners by name) when an
   * identity is renamed or deleted. Set once by the composition root, before serving.
   */
  public void references(List<PrincipalReferences> refs) {
    references = List.copyOf(refs);
  }

  /** The identity {@code id} of {@code kind}. */
  public Identity get(Identity.Kind kind, String id) {
    return store
        .get(id)
        .filter(i -> i.kind() == kind)
        .orElseThrow(
            () -> KeelException.notFound(capital(kind.words()) + " " + id + " not found."));
  }

  /** The identity {@code id} of any kind. */
  public Optional<Identity> find(String id) {
    return store.get(id);
  }

  /** The identity named {@code name} (ignoring case), of any kind. */
  public Optional<Identity> byName(String name) {
    return store.byName(name);
  }

  /**
   * The user, group or service principal named {@code name} (ignoring case), spelled as it was
   * created: what grants, access control lists and owners may name.
   */
  @Override
  public Optional<Principals.Known> named(String name) {
    return store
        .byName(name)
        .map(
            i ->
                new Principals.Known(
                    i.name(),
                    switch (i.kind()) {
                      case USER -> Principals.Kind.USER;
                      case GROUP -> Principals.Kind.GROUP;
                      case SERVICE_PRINCIPAL -> Principals.Kind.SERVICE_PRINCIPAL;
                    }));
  }

  @Override
  public Set<String> groupNamesOf(String name) {
    return store.byName(name).map(i -> store.allGroupNames(i.id())).orElse(Set.of());
  }

  /**
   * A page of identities of {@code kind}.
   *
   * @param filter a SCIM filter ({@code userName eq "alice"}); only {@code eq} is supported
   * @param startIndex 1-based index of the first item
   * @param count most items on the page
   */
  public ListResult list(
      Identity.Kind kind, Optional<String> filter, long startIndex, int count, boolean descending) {
    Optional<Filter> f = filter.filter(s -> !s.isBlank()).map(s -> ScimFilter.parse(kind, s));
    long start = Math.max(1, startIndex);
    long total = store.count(kind, f);
    List<Identity> items =
        count <= 0 ? List.of() : store.list(kind, f, descending, start - 1, count);
    return new ListResult(items, total, start);
  }

  /** The groups {@code id} is a direct member of. */
  public List<Identity> groupsOf(String id) {
    return store.directGroups(id);
  }

  /** The direct members of group {@code id}. */
  public List<Identity> membersOf(String id) {
    return store.directMembers(id);
  }

  /** The principal an identity acts as: its groups resolved through nesting. */
  public Principal principal(Identity i) {
    Set<String> groups = store.allGroupNames(i.id());
    return new Principal(
        i.id(),
        i.name(),
        i.kind() == Identity.Kind.SERVICE_PRINCIPAL
            ? Principal.Kind.SERVICE_PRINCIPAL
            : Principal.Kind.USER,
        groups.contains(Identity.ADMINS),
        groups);
  }

  // ---------------------------------------------------------------- tokens

  /**
   * Creates a token for the identity {@code ownerId}, by {@code createdById}.
   *
   * @param lifetimeSeconds how long it is valid; empty for a token that does not expire
   */
  public CreatedToken createToken(
      String ownerId, String createdById, OptionalLong lifetimeSeconds, Optional<String> comment) {
    if (lifetimeSeconds.isPresent()) {
      long l = lifetimeSeconds.getAsLong();
      if (l <= 0) {
        throw KeelException.invalid(
            "'lifetime_seconds' must be a positive number of seconds, got " + l + ".");
      }
      if (l > MAX_LIFETIME_SECONDS) {
        throw KeelException.invalid(
            "'lifetime_seconds' must be at most " + MAX_LIFETIME_SECONDS + ", got " + l + ".");
      }
    }
    Optional<String> c = text("comment", comment);
    long now = clock.millis();
    long live =
        store.tokens(Optional.of(ownerId), Optional.empty(), Optional.empty()).stream()
            .filter(t -> !t.expired(now))
            .count();
    if (live >= MAX_TOKENS_PER_IDENTITY) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "An identity may hold at most "
              + MAX_TOKENS_PER_IDENTITY
              + " unexpired tokens; delete unused ones first.");
    }
    byte[] idBytes = new byte[16];
    byte[] secretBytes = new byte[32];
    byte[] salt = new byte[16];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    random.nextBytes(salt);
    String id = HEX.formatHex(idBytes);
    String secret = HEX.formatHex(secretBytes);
    StoredToken t =
        new StoredToken(
            id,
            ownerId,
            "",
            createdById,
            "",
            HEX.formatHex(salt),
            HEX.formatHex(hash(salt, secret)),
            c,
            now,
            lifetimeSeconds.isPresent()
                ? OptionalLong.of(now + lifetimeSeconds.getAsLong() * 1000)
                : OptionalLong.empty());
    store.createToken(t);
    invalidate();
    return new CreatedToken(TOKEN_PREFIX + id + secret, token(id));
  }

  /**
   * Creates a token on behalf of an administrator ({@code createdById}) for the service principal
   * whose {@code applicationId} is given, or (a Keel extension: Keel has no sign-in page) for the
   * user with that {@code userName}, whose first token only an administrator can issue.
   */
  public CreatedToken createOnBehalfOf(
      String applicationId,
      String createdById,
      OptionalLong lifetimeSeconds,
      Optional<String> comment) {
    if (applicationId.isBlank()) {
      throw KeelException.missing("application_id");
    }
    Identity owner =
        store
            .byName(applicationId)
            .filter(i -> i.kind() != Identity.Kind.GROUP)
            .orElseThrow(
                () ->
                    KeelException.notFound(
                        "'application_id': no service principal (or user) " + applicationId + "."));
    return createToken(owner.id(), createdById, lifetimeSeconds, comment);
  }

  /** The tokens of the identity {@code ownerId}, newest first. */
  public List<StoredToken> tokensOf(String ownerId) {
    return store.tokens(Optional.of(ownerId), Optional.empty(), Optional.empty());
  }

  /** Every token, or those created by the given identity (id or name), newest first. */
  public List<StoredToken> tokens(Optional<String> createdById, Optional<String> createdByName) {
    return store.tokens(Optional.empty(), createdById, createdByName);
  }

  /** The token {@code id}. */
  public StoredToken token(String id) {
    return store.token(id).orElseThrow(() -> KeelException.notFound("Token " + id + " not found."));
  }

  /** Revokes the token {@code id}, whoever owns it (administrators). */
  public void revoke(String id) {
    if (!store.deleteToken(id)) {
      throw KeelException.notFound("Token " + id + " not found.");
    }
    invalidate();
  }

  /** Revokes the token {@code id} of the identity {@code ownerId}; another's token is not found. */
  public void revokeOwn(String ownerId, String id) {
    if (id.isBlank()) {
      throw KeelException.missing("token_id");
    }
    if (store.token(id).filter(t -> t.ownerId().equals(ownerId)).isEmpty()) {
      throw KeelException.notFound("Token " + id + " not found.");
    }
    revoke(id);
  }

  /**
   * The principal {@code token} stands for: empty when it is malformed, unknown, revoked, expired,
   * or its identity is gone or inactive.
   */
  public Optional<Principal> authenticate(String token) {
    if (token.length() != TOKEN_PREFIX.length() + 96 || !token.startsWith(TOKEN_PREFIX)) {
      return Optional.empty();
    }
    String id = token.substring(TOKEN_PREFIX.length(), TOKEN_PREFIX.length() + 32);
    String secret = token.substring(TOKEN_PREFIX.length() + 32);
    if (!hex(id) || !hex(secret)) {
      return Optional.empty();
    }
    boolean live = subscription.live();
    Cached c = live ? cache.get(id) : null;
    if (c == null) {
      long before = generation.get();
      Optional<Cached> loaded = load(id);
      if (loaded.isEmpty()) {
        return Optional.empty();
      }
      c = loaded.get();
      if (live && cache.size() < MAX_CACHED) {
        cache.put(id, c);
        if (generation.get() != before) {
          cache.remove(id, c); // something changed while we read: maybe stale
        }
      }
    }
    byte[] actual = hash(c.salt(), secret);
    if (!MessageDigest.isEqual(c.hash(), actual) || c.token().expired(clock.millis())) {
      return Optional.empty();
    }
    return Optional.of(c.principal());
  }

  private Optional<Cached> load(String tokenId) {
    Optional<StoredToken> t = store.token(tokenId);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Optional<Identity> owner = store.get(t.get().ownerId()).filter(Identity::active);
    return owner.map(o -> new Cached(t.get(), principal(o)));
  }

  /** Forgets every cached answer: called after each change here and announced by other servers. */
  void invalidate() {
    generation.incrementAndGet();
    cache.clear();
  }

  // ---------------------------------------------------------------- first start

  /**
   * Makes sure an administrator exists: when no active user or service principal is a member of
   * {@code admins}, makes the user {@value #FIRST_ADMINISTRATOR} (created if needed) one and
   * returns a new token for it that does not expire; otherwise empty.
   */
  public Optional<CreatedToken> bootstrapAdministrator() {
    if (store.hasAdministrator()) {
      return Optional.empty();
    }
    Identity admin =
        store
            .byName(FIRST_ADMINISTRATOR)
            .filter(i -> i.kind() == Identity.Kind.USER)
            .orElseGet(
                () ->
                    create(
                        Identity.Kind.USER,
                        new Draft(
                            Optional.of(FIRST_ADMINISTRATOR),
                            Optional.of("Keel administrator"),
                            true,
                            Optional.empty(),
                            Optional.empty(),
                            Relations.UNCHANGED)));
    List<String> groups = new ArrayList<>();
    store.directGroups(admin.id()).forEach(g -> groups.add(g.id()));
    groups.add(Identity.ADMINS_ID);
    Identity active =
        new Identity(
            admin.id(),
            admin.kind(),
            admin.name(),
            admin.displayName(),
            true,
            admin.email(),
            admin.externalId(),
            admin.createdAt());
    store.update(active, new Relations(Optional.of(groups), Optional.empty()));
    invalidate();
    return Optional.of(
        createToken(
            admin.id(),
            admin.id(),
            OptionalLong.empty(),
            Optional.of("First administrator's token, created at first start")));
  }

  // ---------------------------------------------------------------- helpers

  private static Relations relations(Identity.Kind kind, String id, Relations r) {
    if (kind != Identity.Kind.GROUP && r.members().isPresent()) {
      throw KeelException.invalid("'members': only groups have members.");
    }
    return r;
  }

  private String name(Identity.Kind kind, Draft d) {
    String field = kind.nameAttribute();
    String n = d.name().map(String::strip).orElse("");
    if (n.isEmpty()) {
      if (kind == Identity.Kind.SERVICE_PRINCIPAL) {
        return UUID.randomUUID().toString();
      }
      throw KeelException.missing(field);
    }
    checkText(field, n);
    return n;
  }

  private static Optional<String> text(String field, Optional<String> value) {
    Optional<String> v = value.map(String::strip).filter(s -> !s.isEmpty());
    v.ifPresent(s -> checkText(field, s));
    return v;
  }

  private static void checkText(String field, String v) {
    if (v.length() > MAX_NAME) {
      throw KeelException.invalid(
          "'" + field + "' must be at most " + MAX_NAME + " characters, got " + v.length() + ".");
    }
    if (v.chars().anyMatch(Character::isISOControl)) {
      throw KeelException.invalid("'" + field + "' must not contain control characters.");
    }
  }

  /** A 16-digit id, readable as a number by Databricks clients. */
  private String newId() {
    return Long.toString(1_000_000_000_000_000L + random.nextLong(9_000_000_000_000_000L));
  }

  private static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      d.update(secret.getBytes(StandardCharsets.US_ASCII));
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
