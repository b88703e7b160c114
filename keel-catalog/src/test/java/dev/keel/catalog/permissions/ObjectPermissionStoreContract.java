package dev.keel.catalog.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.identity.Identity;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Object permissions (through the service), run on every database Keel supports. */
abstract class ObjectPermissionStoreContract {
  @TempDir Path dir;
  Database db;
  ObjectPermissions perms;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    perms = new ObjectPermissions(new JdbcObjectPermissionStore(db));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static Principal user(String name, String... groups) {
    return new Principal(name, name, Principal.Kind.USER, false, Set.of(groups));
  }

  static AccessControl entry(String name, Identity.Kind type, PermissionLevel level) {
    return new AccessControl(new Grantee(name, type), level);
  }

  static final ObjectType EXP = ObjectType.EXPERIMENTS;
  static final ObjectType EP = ObjectType.SERVING_ENDPOINTS;
  static final ObjectType JOB = ObjectType.JOBS;
  static final Principal ADMIN = Principal.LOCAL;

  @Test
  void an_object_without_permissions_has_an_empty_list_and_nobody_but_admins_may_touch_it() {
    assertThat(perms.get(EXP, "1")).isEqualTo(Acl.EMPTY);
    assertThat(perms.decide(user("alice"), EXP, "1", "1", Privilege.READ).allowed()).isFalse();
    Principal admin = new Principal("r", "root", Principal.Kind.USER, true, Set.of("admins"));
    assertThat(perms.decide(admin, EXP, "1", "1", Privilege.MANAGE).allowed()).isTrue();
  }

  @Test
  void the_owner_holds_can_manage_and_one_owner_replaces_the_other() {
    perms.setOwner(EXP, "1", new Grantee("alice", Identity.Kind.USER));
    assertThat(perms.levelOf(user("alice"), EXP, "1")).contains(PermissionLevel.CAN_MANAGE);
    perms.setOwner(EXP, "1", new Grantee("bob", Identity.Kind.USER));
    assertThat(perms.get(EXP, "1").owner()).contains(new Grantee("bob", Identity.Kind.USER));
    assertThat(perms.levelOf(user("alice"), EXP, "1")).isEmpty();
  }

  @Test
  void put_replaces_the_direct_entries_and_keeps_the_owner() {
    perms.setOwner(EXP, "7", new Grantee("alice", Identity.Kind.USER));
    perms.set(
        ADMIN,
        EXP,
        "7",
        List.of(
            entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ),
            entry("analysts", Identity.Kind.GROUP, PermissionLevel.CAN_EDIT)));
    Acl after =
        perms.set(
            ADMIN,
            EXP,
            "7",
            List.of(entry("carol", Identity.Kind.USER, PermissionLevel.CAN_MANAGE)));
    assertThat(after.entries())
        .containsExactly(entry("carol", Identity.Kind.USER, PermissionLevel.CAN_MANAGE));
    assertThat(after.owner()).contains(new Grantee("alice", Identity.Kind.USER));
    assertThat(perms.set(ADMIN, EXP, "7", List.of()).entries()).isEmpty();
    assertThat(perms.levelOf(user("alice"), EXP, "7")).contains(PermissionLevel.CAN_MANAGE);
  }

  @Test
  void an_is_owner_entry_moves_ownership_and_the_previous_owner_keeps_can_manage() {
    perms.setOwner(JOB, "9", new Grantee("alice", Identity.Kind.USER));
    perms.update(
        ADMIN, JOB, "9", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_VIEW)));
    Acl after =
        perms.set(
            ADMIN,
            JOB,
            "9",
            List.of(
                entry("bob", Identity.Kind.USER, PermissionLevel.IS_OWNER),
                entry("carol", Identity.Kind.USER, PermissionLevel.CAN_VIEW)));
    assertThat(after.owner()).contains(new Grantee("bob", Identity.Kind.USER));
    assertThat(after.entries())
        .containsExactly(
            entry("alice", Identity.Kind.USER, PermissionLevel.CAN_MANAGE),
            entry("carol", Identity.Kind.USER, PermissionLevel.CAN_VIEW));
    assertThatThrownBy(
            () ->
                perms.update(
                    user("bob"),
                    JOB,
                    "9",
                    List.of(entry("carol", Identity.Kind.USER, PermissionLevel.IS_OWNER))))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("Only an administrator");
    assertThat(perms.get(JOB, "9").owner()).contains(new Grantee("bob", Identity.Kind.USER));
    // Naming the owner it has is no change, for anyone who may manage the job.
    perms.update(
        user("bob"), JOB, "9", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.IS_OWNER)));
    assertThat(perms.get(JOB, "9").owner()).contains(new Grantee("bob", Identity.Kind.USER));
  }

  @Test
  void patch_adds_entries_and_changes_a_grantees_level_leaving_the_others() {
    perms.update(
        ADMIN, EXP, "7", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ)));
    perms.update(
        ADMIN, EXP, "7", List.of(entry("analysts", Identity.Kind.GROUP, PermissionLevel.CAN_EDIT)));
    Acl after =
        perms.update(
            ADMIN, EXP, "7", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_MANAGE)));
    assertThat(after.entries())
        .containsExactly(
            entry("bob", Identity.Kind.USER, PermissionLevel.CAN_MANAGE),
            entry("analysts", Identity.Kind.GROUP, PermissionLevel.CAN_EDIT));
  }

  @Test
  void a_group_members_level_is_the_highest_of_its_own_and_its_groups() {
    perms.set(
        ADMIN,
        EP,
        "e1",
        List.of(
            entry("dave", Identity.Kind.USER, PermissionLevel.CAN_VIEW),
            entry("scorers", Identity.Kind.GROUP, PermissionLevel.CAN_QUERY)));
    assertThat(perms.levelOf(user("dave"), EP, "e1")).contains(PermissionLevel.CAN_VIEW);
    assertThat(perms.levelOf(user("dave", "scorers"), EP, "e1"))
        .contains(PermissionLevel.CAN_QUERY);
    assertThat(perms.decide(user("dave", "scorers"), EP, "e1", "fraud", Privilege.EDIT).allowed())
        .isTrue();
    assertThat(perms.decide(user("dave"), EP, "e1", "fraud", Privilege.EDIT).reason())
        .isEqualTo("User dave does not have CAN_QUERY on serving endpoint fraud.");
  }

  @Test
  void a_principal_named_twice_in_one_request_is_refused_and_nothing_changes() {
    perms.update(
        ADMIN, EXP, "3", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ)));
    assertThatThrownBy(
            () ->
                perms.set(
                    ADMIN,
                    EXP,
                    "3",
                    List.of(
                        entry("eve", Identity.Kind.USER, PermissionLevel.CAN_READ),
                        entry("eve", Identity.Kind.USER, PermissionLevel.CAN_EDIT))))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'eve' is named more than once");
    assertThat(perms.get(EXP, "3").entries())
        .containsExactly(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ));
  }

  @Test
  void visible_lists_the_objects_a_principal_or_its_groups_owns_or_holds_a_level_on() {
    perms.setOwner(EP, "a", new Grantee("alice", Identity.Kind.USER));
    perms.update(
        ADMIN, EP, "b", List.of(entry("team", Identity.Kind.GROUP, PermissionLevel.CAN_VIEW)));
    perms.update(
        ADMIN, EP, "c", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_QUERY)));
    perms.update(
        ADMIN, EXP, "a", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_READ)));
    assertThat(perms.visible(EP, List.of("alice", "team"))).containsExactlyInAnyOrder("a", "b");
    assertThat(perms.visible(EP, List.of("bob"))).containsExactly("c");
    assertThat(perms.visible(EP, List.of("nobody"))).isEmpty();
    assertThat(ObjectPermissions.readers(user("x", "g2", "g1"))).contains(List.of("x", "g1", "g2"));
    assertThat(
            ObjectPermissions.readers(
                new Principal("r", "root", Principal.Kind.USER, true, Set.of())))
        .isEqualTo(Optional.empty());
  }

  @Test
  void forget_drops_owner_and_entries() {
    perms.setOwner(EP, "z", new Grantee("alice", Identity.Kind.USER));
    perms.update(
        ADMIN, EP, "z", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_QUERY)));
    perms.forget(EP, "z");
    assertThat(perms.get(EP, "z")).isEqualTo(Acl.EMPTY);
    assertThat(perms.visible(EP, List.of("alice", "bob"))).isEmpty();
  }

  @Test
  void a_level_of_another_object_type_is_refused_naming_the_field() {
    assertThatThrownBy(() -> EXP.parseLevel("access_control_list[0].permission_level", "CAN_QUERY"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("access_control_list[0].permission_level")
        .hasMessageContaining("[CAN_READ, CAN_EDIT, CAN_MANAGE]");
  }

  @Test
  void a_cached_list_is_dropped_when_it_changes() {
    assertThat(perms.levelOf(user("bob"), EXP, "9")).isEmpty(); // cached: empty
    perms.update(
        ADMIN, EXP, "9", List.of(entry("bob", Identity.Kind.USER, PermissionLevel.CAN_EDIT)));
    assertThat(perms.levelOf(user("bob"), EXP, "9")).contains(PermissionLevel.CAN_EDIT);
  }
}
