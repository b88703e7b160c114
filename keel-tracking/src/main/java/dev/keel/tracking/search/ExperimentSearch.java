package dev.keel.tracking.search;

import dev.keel.catalog.permissions.JdbcObjectPermissionStore;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles an MLflow {@code experiments/search} request into one SQL statement that filters, orders
 * and pages in the database.
 *
 * <p>Filters: {@code name} ({@code = != LIKE ILIKE}), {@code creation_time} and {@code
 * last_update_time} (numeric comparisons), {@code tags.<key>} ({@code = != LIKE ILIKE}; an
 * experiment without the tag never matches). Order, as in MLflow: without {@code order_by}, {@code
 * creation_time DESC, experiment_id ASC}; with it, the given terms then {@code experiment_id DESC}
 * unless {@code experiment_id} is among them.
 */
public final class ExperimentSearch {
  private ExperimentSearch() {}

  /**
   * Builds {@code SELECT e.experiment_id FROM experiments e ... WHERE <view> AND <filter> ORDER BY
   * ... LIMIT ? OFFSET ?}.
   *
   * @param dialect the database it runs on
   * @param view which lifecycle stages to return
   * @param filter the MLflow filter; empty for none
   * @param orderBy the MLflow {@code order_by} entries, e.g. {@code name ASC}
   * @param limit the page size, at least 0
   * @param offset the rows to skip, at least 0
   * @throws KeelException 400 INVALID_ARGUMENT for a bad filter or order_by, or duplicate order_by
   *     fields
   * @throws IllegalArgumentException for a negative limit or offset
   */
  public static SqlQuery compile(
      Dialect dialect, ViewType view, String filter, List<String> orderBy, int limit, long offset) {
    return compile(dialect, view, filter, orderBy, limit, offset, Optional.empty());
  }

  /**
   * As {@link #compile(Dialect, ViewType, String, List, int, long)}, keeping only the experiments
   * on which one of {@code readers} (a principal's name and groups) is owner or has a permission
   * level; empty {@code readers} keeps every experiment (an administrator).
   */
  public static SqlQuery compile(
      Dialect dialect,
      ViewType view,
      String filter,
      List<String> orderBy,
      int limit,
      long offset,
      Optional<List<String>> readers) {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(readers, "readers");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(orderBy, "orderBy");
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("limit and offset must be >= 0");
    }
    SearchFilter parsed = SearchFilter.parseExperiments(filter);
    List<OrderBy> order = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String s : orderBy) {
      OrderBy o = OrderBy.parseExperiments(Objects.requireNonNull(s, "orderBy entry"));
      if (!seen.add(o.key())) {
        throw KeelException.invalid("`order_by` contains duplicate fields: " + orderBy);
      }
      order.add(o);
    }
    if (order.isEmpty()) {
      order.add(new OrderBy(Entity.ATTRIBUTE, "creation_time", false));
      order.add(new OrderBy(Entity.ATTRIBUTE, "experiment_id", true));
    } else if (!seen.contains("experiment_id")) {
      order.add(new OrderBy(Entity.ATTRIBUTE, "experiment_id", false));
    }

    SqlParts q = new SqlParts(dialect);
    q.from("experiments e");
    if (view != ViewType.ALL) {
      q.where("e.lifecycle_stage = ?", List.of(view.stage()));
    }
    readers.ifPresent(
        names ->
            q.where(
                JdbcObjectPermissionStore.visibleCondition(
                    ObjectType.EXPERIMENTS, "CAST(e.experiment_id AS TEXT)", names.size()),
                List.copyOf(names)));
    for (Comparison c : parsed.comparisons()) {
      List<Object> binds = new ArrayList<>();
      if (c.entity() == Entity.TAG) {
        String t = q.keyJoin("experiment_tags", "experiment_id", "e.experiment_id", c.key(), true);
        q.where(q.stringCondition(t + ".value", c.operator(), c.value(), binds), binds);
      } else if (c.key().equals("name")) {
        q.where(q.stringCondition("e.name", c.operator(), c.value(), binds), binds);
      } else {
        q.where(
            SqlParts.numericCondition(
                "e." + c.key(), c.operator(), SqlParts.integerBind(c.value()), binds),
            binds);
      }
    }
    for (OrderBy o : order) {
      switch (o.key()) {
        case "name" -> q.orderBy(q.textOrder("e.name", o.ascending()));
        case "experiment_id", "creation_time", "last_update_time" ->
            q.orderBy(SqlParts.direction("e." + o.key(), o.ascending()));
        default -> throw new IllegalStateException("unknown experiment attribute " + o.key());
      }
    }
    return q.build("SELECT e.experiment_id", limit, offset);
  }
}
