package dev.keel.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.Authorizer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grant store's behaviour, through the grants service, on every database Keel supports. */
abstract class GrantStoreContract {
  @TempDir Path dir;
  Database db;
  JdbcGrantStore grants;
  CatalogService catalogs;
  GrantService service;

  abstract Database open(Path dir);

  static final Principal ADMIN = new Principal("r", "root", Principal.Kind.USER, true, Set.of());

  static Principal user(String name, String... groups) {
    return new Principal(name, name, Principal.Kind.USER, false, Set.of(groups));
  }

  @BeforeEach
  void setUp() {
    db = open(dir);
    grants = new JdbcGrantStore(db);
    JdbcCatalogStore store = new JdbcCatalogStore(db, List.of(grants.contents()));
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    catalogs = new CatalogService(store, clock);
    service = new GrantService(grants, store, KNOWN, clock);
  }

  /**
   * The principals these tests name: any lower-case name (spelled in lower case, whatever the
   * request's case), except names starting with {@code ghost}.
   */
  static final Principals KNOWN =
      name ->
          name.toLowerCase(java.util.Locale.ROOT).startsWith("ghost")
              ? Optional.empty()
              : Optional.of(
                  new Principals.Known(
                      name.toLowerCase(java.util.Locale.ROOT), Principals.Kind.USER));

  @Test
  void a_change_naming_an_unknown_principal_is_refused_naming_the_field_and_changes_nothing() {
    catalogs.createCatalog("c", Optional.empty(), Map.of());
    assertThatThrownBy(
            () ->
                service.update(
                    ADMIN,
                    SecurableType.CATALOG,
                    "c",
                    List.of(
                        new GrantChange("amy", Set.of(UcPrivilege.USE_CATALOG), Set.of()),
                        new GrantChange("ghost", Set.of(UcPrivilege.BROWSE), Set.of()))))
        .isInstanceOf(KeelException.class)
        .hasMessage("'changes[1].principal': no user, group or service principal named 'ghost'.")
        .extracting(e -> ((KeelException) e).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(grants.grantsOn(SecurableType.CATALOG, "c")).isEmpty();
    assertThatThrownBy(
            () ->
                service.update(
                    ADMIN,
                    SecurableType.CATALOG,
                    "c",
                    List.of(new GrantChange("ghost", Set.of(), Set.of(UcPrivilege.BROWSE)))))
        .hasMessageContaining("'changes[0].principal'");
  }

  @Test
  void grants_store_the_canonical_spelling_and_grants_of_a_deleted_principal_can_be_revoked() {
    catalogs.createCatalog("c", Optional.empty(), Map.of());
    grant(SecurableType.CATALOG, "c", "Amy", UcPrivilege.USE_CATALOG);
    assertThat(grants.grantsOn(SecurableType.CATALOG, "c"))
        .extracting(Grant::principal)
        .containsExactly("amy");
    // a grant stored before its principal went away (as after deleting the user)
    grants.update(
        SecurableType.CATALOG,
        "c",
        List.of(new GrantChange("ghost-gone", Set.of(UcPrivilege.BROWSE), Set.of())),
        1,
        "root");
    service.update(
        ADMIN,
        SecurableType.CATALOG,
        "c",
        List.of(new GrantChange("ghost-gone", Set.of(), Set.of(UcPrivilege.BROWSE))));
    assertThat(grants.grantsOn(SecurableType.CATALOG, "c"))
        .extracting(Grant::principal)
        .containsExactly("amy");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  void grant(SecurableType type, String name, String principal, UcPrivilege... p) {
    service.update(ADMIN, type, name, List.of(new GrantChange(principal, Set.of(p), Set.of())));
  }

  @Test
  void grants_are_added_once_removed_and_listed_by_principal_then_privilege() {
    catalogs.createCatalog("c", Optional.empty(), Map.of());
    grant(SecurableType.CATALOG, "c", "zoe", UcPrivilege.USE_CATALOG);
    grant(SecurableType.CATALOG, "c", "amy", UcPrivilege.USE_CATALOG, UcPrivilege.BROWSE);
    grant(SecurableType.CATALOG, "c", "amy", UcPrivilege.BROWSE); // again: no second row
    assertThat(grants.grantsOn(SecurableType.CATALOG, "c"))
        .containsExactly(
            new Grant(SecurableType.CATALOG, "c", "amy", UcPrivilege.BROWSE),
            new Grant(SecurableType.CATALOG, "c", "amy", UcPrivilege.USE_CATALOG),
            new Grant(SecurableType.CATALOG, "c", "zoe", UcPrivilege.USE_CATALOG));
    service.update(
        ADMIN,
        SecurableType.CATALOG,
        "c",
        List.of(new GrantChange("amy", Set.of(), Set.of(UcPrivilege.BROWSE, UcPrivilege.MANAGE))));
    assertThat(grants.grantsOn(SecurableType.CATALOG, "c")).hasSize(2);
    assertThat(
            grants.grantsOn(
                List.of(new GrantStore.Securable(SecurableType.CATALOG, "c")), Set.of("zoe")))
        .extracting(Grant::principal)
        .containsExactly("zoe");
  }

  @Test
  void renaming_a_catalog_or_schema_moves_the_grants_under_it_and_deleting_it_drops_them() {
    catalogs.createCatalog("c", Optional.empty(), Map.of());
    catalogs.createSchema("c", "s", Optional.empty(), Map.of());
    grant(SecurableType.CATALOG, "c", "amy", UcPrivilege.USE_CATALOG);
    grant(SecurableType.SCHEMA, "c.s", "amy", UcPrivilege.USE_SCHEMA);
    grants.update(
        SecurableType.TABLE,
        "c.s.t",
        List.of(new GrantChange("amy", Set.of(UcPrivilege.SELECT), Set.of())),
        1,
        "root");
    grants.setTableOwner("c.s.t", "amy");

    catalogs.updateCatalog("c", new Changes(Optional.of("d"), Optional.empty(), Map.of()));
    catalogs.updateSchema("d.s", new Changes(Optional.of("r"), Optional.empty(), Map.of()));
    assertThat(grants.grantsOn(SecurableType.CATALOG, "d")).hasSize(1);
    assertThat(grants.grantsOn(SecurableType.SCHEMA, "d.r")).hasSize(1);
    assertThat(grants.grantsOn(SecurableType.TABLE, "d.r.t")).hasSize(1);
    assertThat(grants.grantsOn(SecurableType.TABLE, "c.s.t")).isEmpty();
    assertThat(grants.tableOwner("d.r.t")).contains("amy");

    catalogs.deleteCatalog("d", true);
    assertThat(grants.grantsOn(SecurableType.CATALOG, "d")).isEmpty();
    assertThat(grants.grantsOn(SecurableType.SCHEMA, "d.r")).isEmpty();
    assertThat(grants.grantsOn(SecurableType.TABLE, "d.r.t")).isEmpty();
    assertThat(grants.tableOwner("d.r.t")).isEmpty();
    // a new catalog with the old name starts with no grants
    catalogs.createCatalog("d", Optional.empty(), Map.of());
    assertThat(service.decide(user("amy"), SecurableType.CATALOG, "d", Privilege.READ).allowed())
        .isFalse();
  }

  @Test
  void decisions_follow_ownership_groups_inheritance_and_all_privileges() {
    catalogs.createCatalog("c", Optional.empty(), Map.of(), "olive");
    catalogs.createSchema("c", "s", Optional.empty(), Map.of(), "olive");
    assertThat(
            service.decide(user("olive"), SecurableType.SCHEMA, "c.s", Privilege.MANAGE).allowed())
        .isTrue();
    Principal ann = user("ann", "analysts");
    assertThat(service.decide(ann, SecurableType.SCHEMA, "c.s", Privilege.READ).reason())
        .isEqualTo("User ann does not have USE CATALOG on CATALOG c.");
    grant(SecurableType.CATALOG, "c", "analysts", UcPrivilege.ALL_PRIVILEGES);
    assertThat(service.decide(ann, SecurableType.SCHEMA, "c.s", Privilege.READ).allowed()).isTrue();
    assertThat(service.decide(ann, SecurableType.TABLE, "c.s.new", Privilege.CREATE).allowed())
        .isTrue();
    // ALL PRIVILEGES is not MANAGE
    Authorizer.Decision d = service.decide(ann, SecurableType.SCHEMA, "c.s", Privilege.MANAGE);
    assertThat(d.allowed()).isFalse();
    assertThat(d.privilege()).isEqualTo("MANAGE");
    // the cached decision goes when the grant does
    service.update(
        ADMIN,
        SecurableType.CATALOG,
        "c",
        List.of(new GrantChange("analysts", Set.of(), Set.of(UcPrivilege.ALL_PRIVILEGES))));
    assertThat(service.decide(ann, SecurableType.SCHEMA, "c.s", Privilege.READ).allowed())
        .isFalse();
    assertThatThrownBy(() -> service.decide(ann, SecurableType.SCHEMA, "c.nope", Privilege.READ))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void catalog_and_schema_lists_are_filtered_before_paging() {
    for (String c : List.of("a", "b", "c", "d", "e")) {
      catalogs.createCatalog(c, Optional.empty(), Map.of(), c.equals("e") ? "vic" : "root");
    }
    grant(SecurableType.CATALOG, "b", "viewers", UcPrivilege.BROWSE);
    grant(SecurableType.CATALOG, "d", "vic", UcPrivilege.USE_CATALOG);
    Viewer vic = Viewer.of(user("vic", "viewers"));
    var first = catalogs.listCatalogs(OptionalLong.of(2), Optional.empty(), vic);
    assertThat(first.items()).extracting(Catalog::name).containsExactly("b", "d");
    var second = catalogs.listCatalogs(OptionalLong.of(2), first.nextPageToken(), vic);
    assertThat(second.items()).extracting(Catalog::name).containsExactly("e");
    assertThat(second.nextPageToken()).isEmpty();
    assertThat(catalogs.listCatalogs(OptionalLong.empty(), Optional.empty(), Viewer.ALL).items())
        .hasSizeGreaterThanOrEqualTo(6); // with main

    for (String s : List.of("s1", "s2", "s3")) {
      catalogs.createSchema("b", s, Optional.empty(), Map.of());
    }
    assertThat(catalogs.listSchemas("b", OptionalLong.empty(), Optional.empty(), vic).items())
        .extracting(Schema::name)
        .containsExactly("s1", "s2", "s3"); // BROWSE on the catalog reaches its schemas
    catalogs.createSchema("d", "x", Optional.empty(), Map.of());
    catalogs.createSchema("d", "y", Optional.empty(), Map.of());
    grant(SecurableType.SCHEMA, "d.y", "vic", UcPrivilege.USE_SCHEMA);
    assertThat(catalogs.listSchemas("d", OptionalLong.of(1), Optional.empty(), vic).items())
        .extracting(Schema::name)
        .containsExactly("y"); // USE CATALOG alone does not show x
  }
}
