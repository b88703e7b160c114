package dev.keel.catalog;

import dev.keel.core.SecurableType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * SQL conditions that keep a list to what a {@link Viewer} may see, so stores filter before they
 * page: an object is listed when the viewer owns it or one of its parents, holds any privilege on
 * it, or holds on a parent a privilege that reaches it ({@code BROWSE}, {@code ALL PRIVILEGES},
 * {@code MANAGE}, or the one that uses it: {@code USE SCHEMA} for schemas, {@code SELECT} or {@code
 * MODIFY} for tables, {@code EXECUTE} for models).
 *
 * @param sql the condition, with {@code ?} placeholders
 * @param binds the values of its placeholders, in order
 */
public record GrantSql(String sql, List<Object> binds) {
  /** No condition: everything is visible. */
  public static final GrantSql TRUE = new GrantSql("1 = 1", List.of());

  public GrantSql {
    binds = List.copyOf(binds);
  }

  /** Privileges on a parent that make its children of {@code type} visible. */
  static Set<UcPrivilege> reaching(SecurableType type) {
    return switch (type) {
      case SCHEMA ->
          Set.of(
              UcPrivilege.USE_SCHEMA,
              UcPrivilege.BROWSE,
              UcPrivilege.ALL_PRIVILEGES,
              UcPrivilege.MANAGE);
      case TABLE ->
          Set.of(
              UcPrivilege.SELECT,
              UcPrivilege.MODIFY,
              UcPrivilege.BROWSE,
              UcPrivilege.ALL_PRIVILEGES,
              UcPrivilege.MANAGE);
      case REGISTERED_MODEL ->
          Set.of(
              UcPrivilege.EXECUTE,
              UcPrivilege.BROWSE,
              UcPrivilege.ALL_PRIVILEGES,
              UcPrivilege.MANAGE);
      default -> Set.of();
    };
  }

  /**
   * The condition for objects of {@code type} whose names are SQL expressions.
   *
   * @param viewer whose eyes
   * @param type the listed objects' type (CATALOG, SCHEMA, TABLE or REGISTERED_MODEL)
   * @param catalogExpr the catalog name expression
   * @param schemaExpr the {@code catalog.schema} full name expression (null for catalogs)
   * @param fullNameExpr the object's full name expression
   * @param ownerExpr the object's owner expression, or null when owners are in {@code
   *     uc_table_owners}
   */
  public static GrantSql visible(
      Viewer viewer,
      SecurableType type,
      String catalogExpr,
      String schemaExpr,
      String fullNameExpr,
      String ownerExpr) {
    if (viewer.all()) {
      return TRUE;
    }
    String in = "(" + String.join(", ", Collections.nCopies(viewer.names().size(), "?")) + ")";
    List<Object> binds = new ArrayList<>();
    List<String> any = new ArrayList<>();
    // owner of the object
    if (ownerExpr != null) {
      any.add(ownerExpr + " IN " + in);
    } else {
      any.add(
          "EXISTS (SELECT 1 FROM uc_table_owners o WHERE o.full_name = "
              + fullNameExpr
              + " AND o.owner IN "
              + in
              + ")");
    }
    binds.addAll(viewer.names());
    // any grant on the object
    any.add(
        "EXISTS (SELECT 1 FROM uc_grants g WHERE g.securable_type = ? AND g.securable_name = "
            + fullNameExpr
            + " AND g.principal IN "
            + in
            + ")");
    binds.add(type.name());
    binds.addAll(viewer.names());
    if (type != SecurableType.CATALOG) {
      String reach = "(" + String.join(", ", Collections.nCopies(reaching(type).size(), "?")) + ")";
      List<String> reachNames = reaching(type).stream().map(Enum::name).sorted().toList();
      // owner of the catalog, a reaching grant on the catalog
      any.add(
          "EXISTS (SELECT 1 FROM catalogs pc WHERE pc.name = "
              + catalogExpr
              + " AND pc.owner IN "
              + in
              + ")");
      binds.addAll(viewer.names());
      any.add(
          "EXISTS (SELECT 1 FROM uc_grants g WHERE g.securable_type = 'CATALOG'"
              + " AND g.securable_name = "
              + catalogExpr
              + " AND g.principal IN "
              + in
              + " AND g.privilege IN "
              + reach
              + ")");
      binds.addAll(viewer.names());
      binds.addAll(reachNames);
      if (type != SecurableType.SCHEMA) {
        any.add(
            "EXISTS (SELECT 1 FROM catalog_schemas ps JOIN catalogs psc ON psc.id = ps.catalog_id"
                + " WHERE psc.name || '.' || ps.name = "
                + schemaExpr
                + " AND ps.owner IN "
                + in
                + ")");
        binds.addAll(viewer.names());
        any.add(
            "EXISTS (SELECT 1 FROM uc_grants g WHERE g.securable_type = 'SCHEMA'"
                + " AND g.securable_name = "
                + schemaExpr
                + " AND g.principal IN "
                + in
                + " AND g.privilege IN "
                + reach
                + ")");
        binds.addAll(viewer.names());
        binds.addAll(reachNames);
      }
    }
    return new GrantSql("(" + String.join(" OR ", any) + ")", binds);
  }
}
