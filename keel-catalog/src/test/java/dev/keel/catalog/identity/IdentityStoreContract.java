package dev.keel.catalog.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.identity.IdentityService.Draft;
import dev.keel.catalog.identity.IdentityStore.Relations;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identities, memberships and tokens (through the service), on every database Keel supports. */
abstract class IdentityStoreContract {
  @TempDir Path dir;
  Database db;
  IdentityService svc;
  final AtomicLong now = new AtomicLong(1_700_000_000_000L);

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    Clock clock =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    svc = new IdentityService(new JdbcIdentityStore(db), clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return ((KeelException) t).code();
  }

  static Draft draft(String name) {
    return new Draft(
        Optional.of(name),
        Optional.empty(),
        true,
        Optional.empty(),
        Optional.empty(),
        Relations.UNCHANGED);
  }

  static Draft group(String name, String... members) {
    return new Draft(
        Optional.of(name),
        Optional.empty(),
        true,
        Optional.empty(),
        Optional.empty(),
        new Relations(Optional.empty(), Optional.of(List.of(members))));
  }

  Identity user(String name) {
    return svc.create(Identity.Kind.USER, draft(name));
  }

  /** References that record in the database what they were told, and may then fail. */
  final class Recording implements PrincipalReferences {
    volatile boolean fail;

    @Override
    public List<String> owned(String name, int limit) {
      return List.of();
    }

    @Override
    public void renamed(String from, String to) {
      record("renamed " + from + " " + to);
    }

    @Override
    public void deleted(String name) {
      record("deleted " + name);
    }

    private void record(String what) {
      db.write(
          h ->
              h.createUpdate("INSERT INTO job_ids (name, next) VALUES (?, 0)")
                  .bind(0, "refs " + what)
                  .execute());
      if (fail) {
        throw new IllegalStateException("the references could not be updated");
      }
    }

    List<String> recorded() {
      return db.read(
          h ->
              h.createQuery("SELECT substr(name, 6) FROM job_ids WHERE name LIKE 'refs %'")
                  .mapTo(String.class)
                  .list());
    }
  }

  @Test
  void an_identity_renamed_or_deleted_and_what_names_it_change_together_or_not_at_all() {
    Recording refs = new Recording();
    svc.references(List.of(refs));
    Identity alice = user("alice");
    refs.fail = true;
    assertThatThrownBy(() -> svc.replace(Identity.Kind.USER, alice.id(), draft("alice2")))
        .hasMessageContaining("could not be updated");
    assertThat(svc.get(Identity.Kind.USER, alice.id()).name()).isEqualTo("alice");
    assertThat(refs.recorded()).isEmpty();
    assertThatThrownBy(() -> svc.delete(Identity.Kind.USER, alice.id()))
        .hasMessageContaining("could not be updated");
    assertThat(svc.get(Identity.Kind.USER, alice.id()).name()).isEqualTo("alice");
    assertThat(refs.recorded()).isEmpty();

    refs.fail = false;
    svc.replace(Identity.Kind.USER, alice.id(), draft("alice2"));
    svc.delete(Identity.Kind.USER, alice.id());
    assertThat(refs.recorded()).containsExactlyInAnyOrder("renamed alice alice2", "deleted alice2");
  }

  @Test
  void a_fresh_store_has_the_admins_group_and_no_administrator() {
    Identity admins = svc.get(Identity.Kind.GROUP, Identity.ADMINS_ID);
    assertThat(admins.name()).isEqualTo("admins");
    assertThat(svc.list(Identity.Kind.USER, Optional.empty(), 1, 10, false).total()).isZero();
  }

  @Test
  void names_are_unique_among_users_groups_and_service_principals_ignoring_case() {
    user("alice");
    assertThatThrownBy(() -> svc.create(Identity.Kind.GROUP, group("ALICE")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThatThrownBy(() -> user("Admins"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(svc.byName("Alice")).isPresent();
  }

  @Test
  void nested_groups_resolve_transitively_and_members_of_admins_are_administrators() {
    Identity alice = user("alice");
    Identity inner = svc.create(Identity.Kind.GROUP, group("inner", alice.id()));
    Identity outer = svc.create(Identity.Kind.GROUP, group("outer", inner.id()));
    Principal p = svc.principal(alice);
    assertThat(p.groups()).containsExactlyInAnyOrder("inner", "outer");
    assertThat(p.admin()).isFalse();
    assertThat(p.is("outer")).isTrue();

    svc.replace(Identity.Kind.GROUP, Identity.ADMINS_ID, group("admins", outer.id()));
    assertThat(svc.principal(alice).admin()).isTrue();
    assertThat(svc.groupsOf(outer.id())).extracting(Identity::name).containsExactly("admins");
  }

  @Test
  void a_group_cannot_become_its_own_member_directly_or_through_nesting() {
    Identity a = svc.create(Identity.Kind.GROUP, group("a"));
    Identity b = svc.create(Identity.Kind.GROUP, group("b", a.id()));
    Identity c = svc.create(Identity.Kind.GROUP, group("c", b.id()));
    assertThatThrownBy(() -> svc.replace(Identity.Kind.GROUP, a.id(), group("a", c.id())))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("member of itself");
    assertThatThrownBy(() -> svc.replace(Identity.Kind.GROUP, a.id(), group("a", a.id())))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(svc.membersOf(a.id())).isEmpty();
    assertThatThrownBy(() -> svc.create(Identity.Kind.GROUP, group("d", "999")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("members");
  }

  @Test
  void a_token_authenticates_until_it_is_revoked_or_expires_and_only_its_hash_is_stored() {
    Identity alice = user("alice");
    IdentityService.CreatedToken t =
        svc.createToken(alice.id(), alice.id(), OptionalLong.of(60), Optional.of("laptop"));
    assertThat(t.value()).startsWith(IdentityService.TOKEN_PREFIX);
    assertThat(svc.authenticate(t.value()).map(Principal::name)).contains("alice");
    String secret = t.value().substring(IdentityService.TOKEN_PREFIX.length() + 32);
    String stored =
        db.read(h -> h.createQuery("SELECT salt || hash FROM tokens").mapTo(String.class).one());
    assertThat(stored).doesNotContain(secret);
    assertThat(t.info().expiresAt()).hasValue(now.get() + 60_000);

    now.addAndGet(60_000);
    assertThat(svc.authenticate(t.value())).as("expired").isEmpty();

    IdentityService.CreatedToken forever =
        svc.createToken(alice.id(), alice.id(), OptionalLong.empty(), Optional.empty());
    assertThat(svc.authenticate(forever.value())).isPresent();
    svc.revokeOwn(alice.id(), forever.info().id());
    assertThat(svc.authenticate(forever.value())).as("revoked").isEmpty();
    assertThat(svc.authenticate("keel_" + "a".repeat(96))).isEmpty();
    assertThat(svc.authenticate("not a token")).isEmpty();
  }

  @Test
  void token_lifetimes_must_be_positive() {
    Identity alice = user("alice");
    for (long bad : new long[] {0, -1}) {
      assertThatThrownBy(
              () -> svc.createToken(alice.id(), alice.id(), OptionalLong.of(bad), Optional.empty()))
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("lifetime_seconds");
    }
    assertThat(svc.tokensOf(alice.id())).isEmpty();
  }

  @Test
  void deleting_or_deactivating_an_identity_stops_its_tokens_and_drops_its_memberships() {
    Identity alice = user("alice");
    Identity bob = user("bob");
    Identity team = svc.create(Identity.Kind.GROUP, group("team", alice.id(), bob.id()));
    String a =
        svc.createToken(alice.id(), alice.id(), OptionalLong.empty(), Optional.empty()).value();
    String b = svc.createToken(bob.id(), bob.id(), OptionalLong.empty(), Optional.empty()).value();
    assertThat(svc.authenticate(a)).isPresent();

    svc.delete(Identity.Kind.USER, alice.id());
    assertThat(svc.authenticate(a)).isEmpty();
    assertThat(svc.tokens(Optional.empty(), Optional.of("alice"))).isEmpty();
    assertThat(svc.membersOf(team.id())).extracting(Identity::name).containsExactly("bob");

    svc.replace(
        Identity.Kind.USER,
        bob.id(),
        new Draft(
            Optional.of("bob"),
            Optional.empty(),
            false,
            Optional.empty(),
            Optional.empty(),
            Relations.UNCHANGED));
    assertThat(svc.authenticate(b)).as("inactive").isEmpty();
  }

  @Test
  void the_first_administrator_is_created_once_and_cannot_be_removed_while_alone() {
    IdentityService.CreatedToken t = svc.bootstrapAdministrator().orElseThrow();
    Principal keel = svc.authenticate(t.value()).orElseThrow();
    assertThat(keel.name()).isEqualTo("keel");
    assertThat(keel.admin()).isTrue();
    assertThat(t.info().expiresAt()).isEmpty();
    assertThat(svc.bootstrapAdministrator()).isEmpty();

    assertThatThrownBy(() -> svc.delete(Identity.Kind.USER, keel.id()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    assertThatThrownBy(() -> svc.replace(Identity.Kind.GROUP, Identity.ADMINS_ID, group("admins")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    assertThatThrownBy(() -> svc.delete(Identity.Kind.GROUP, Identity.ADMINS_ID))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
  }

  @Test
  void lists_filter_with_eq_page_and_refuse_other_operators_naming_them() {
    for (String n : List.of("dora", "carl", "anna", "bert")) {
      user(n);
    }
    IdentityService.ListResult page = svc.list(Identity.Kind.USER, Optional.empty(), 2, 2, false);
    assertThat(page.total()).isEqualTo(4);
    assertThat(page.items()).extracting(Identity::name).containsExactly("bert", "carl");
    assertThat(
            svc.list(Identity.Kind.USER, Optional.of("userName eq \"CARL\""), 1, 10, false).items())
        .extracting(Identity::name)
        .containsExactly("carl");
    assertThat(svc.list(Identity.Kind.USER, Optional.empty(), 1, 1, true).items())
        .extracting(Identity::name)
        .containsExactly("dora");
    assertThatThrownBy(
            () -> svc.list(Identity.Kind.USER, Optional.of("userName sw \"c\""), 1, 10, false))
        .hasMessageContaining("'sw'");
    assertThatThrownBy(
            () ->
                svc.list(
                    Identity.Kind.USER,
                    Optional.of("userName eq \"a\" or userName eq \"b\""),
                    1,
                    10,
                    false))
        .hasMessageContaining("'or'");
    assertThatThrownBy(
            () -> svc.list(Identity.Kind.GROUP, Optional.of("userName eq \"a\""), 1, 10, false))
        .hasMessageContaining("'userName'");
  }
}
