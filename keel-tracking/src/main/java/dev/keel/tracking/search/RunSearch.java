package dev.keel.tracking.search;

import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Compiles an MLflow {@code runs/search} request into one SQL statement that filters, orders and
 * pages in the database.
 *
 * <p>Shape: {@code SELECT r.run_uuid} over {@code runs r} and one join per distinct metric, param
 * or tag key, each on its {@code (run_uuid, key)} primary key so it yields at most one row. When
 * the filter compares a metric, that metric's {@code latest_metrics} row comes first in the FROM
 * clause so the search is driven from the {@code latest_metrics(key, value)} index; otherwise
 * {@code runs} comes first. Dataset conditions are {@code EXISTS} subqueries. Semantics, as in
 * MLflow:
 *
 * <ul>
 *   <li>A run lacking a filtered metric, param, tag or {@code end_time} never matches, also not for
 *       {@code !=}. A NaN metric never matches a numeric comparison.
 *   <li>{@code LIKE} is case-sensitive, {@code ILIKE} is not; {@code %} and {@code _} are wildcards
 *       and a backslash escapes them.
 *   <li>A dataset condition matches when any of the run's dataset inputs matches; {@code context}
 *       is the input tag {@code mlflow.data.context}.
 *   <li>Order: the {@code order_by} terms, then {@code start_time DESC} (unless ordered by it),
 *       then {@code run_id}. A run lacking an ordered metric, param or tag sorts last in both
 *       directions; NaN metrics sort after numbers and before missing values.
 * </ul>
 */
public final class RunSearch {
  static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

  private RunSearch() {}

  /**
   * Builds the statement {@code SELECT r.run_uuid FROM ... WHERE r.experiment_id IN (...) AND
   * <view> AND <filter> ORDER BY <order_by>, r.start_time DESC, r.run_uuid LIMIT ? OFFSET ?}; its
   * single column is the run id.
   *
   * @param dialect the database it runs on
   * @param experimentIds the experiments to search; none means no run matches
   * @param view which lifecycle stages to return
   * @param filter the MLflow filter; empty for none
   * @param orderBy the MLflow {@code order_by} entries, e.g. {@code metrics.acc DESC}
   * @param limit the page size, at least 0
   * @param offset the rows to skip, at least 0
   * @throws KeelException 400 INVALID_ARGUMENT for a bad filter or order_by, duplicate order_by
   *     fields, more than 40 distinct metric/param/tag keys or more than 30,000 values
   * @throws IllegalArgumentException for a negative limit or offset
   */
  public static SqlQuery compile(
      Dialect dialect,
      List<Long> experimentIds,
      ViewType view,
      String filter,
      List<String> orderBy,
      int limit,
      long offset) {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(experimentIds, "experimentIds");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(orderBy, "orderBy");
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("limit and offset must be >= 0");
    }
    SearchFilter parsed = SearchFilter.parseRuns(filter);
    List<OrderBy> order = parseOrder(orderBy);

    SqlParts q = new SqlParts(dialect);
    tables(q, parsed.comparisons());
    if (experimentIds.isEmpty()) {
      q.where("1 = 0", List.of());
    } else if (experimentIds.size() == 1) {
      q.where("r.experiment_id = ?", List.of(experimentIds.get(0)));
    } else {
      q.where(
          "r.experiment_id IN (" + SqlParts.placeholders(experimentIds.size()) + ")",
          List.copyOf(experimentIds));
    }
    if (view != ViewType.ALL) {
      q.where("r.lifecycle_stage = ?", List.of(view.stage()));
    }
    for (Comparison c : parsed.comparisons()) {
      condition(q, c);
    }
    for (OrderBy o : order) {
      orderTerm(q, o);
    }
    boolean byStart = false;
    boolean byId = false;
    for (OrderBy o : order) {
      byStart |= o.entity() == Entity.ATTRIBUTE && o.key().equals("start_time");
      byId |= o.entity() == Entity.ATTRIBUTE && o.key().equals("run_id");
    }
    if (!byStart) {
      q.orderBy("r.start_time DESC");
    }
    if (!byId) {
      q.orderBy("r.run_uuid");
    }
    return q.build("SELECT r.run_uuid", limit, offset);
  }

  /**
   * Lays out the FROM clause. With a metric comparison, the search is driven from {@code
   * latest_metrics(key, value)}: that metric comes first, then one primary-key join per other
   * filtered key, then {@code runs}, so the cheap key lookups discard rows before the run row is
   * read. Without one, {@code runs} comes first (its {@code (experiment_id, start_time)} index
   * serves the default order). Both databases' planners may still reorder; this order is what
   * SQLite keeps when its estimates tie.
   */
  private static void tables(SqlParts q, List<Comparison> comparisons) {
    Comparison driver = null;
    for (Comparison c : comparisons) {
      if (c.entity() == Entity.METRIC && (driver == null || rank(c) < rank(driver))) {
        driver = c;
      }
    }
    String owner;
    if (driver == null) {
      q.from("runs r");
      owner = "r.run_uuid";
    } else {
      owner = q.driver("latest_metrics", driver.key()) + ".run_uuid";
    }
    for (Comparison c : comparisons) {
      switch (c.entity()) {
        case METRIC -> q.keyJoin("latest_metrics", "run_uuid", owner, c.key(), true);
        case PARAM -> q.keyJoin("params", "run_uuid", owner, c.key(), true);
        case TAG -> q.keyJoin("tags", "run_uuid", owner, c.key(), true);
        default -> {}
      }
    }
    if (driver != null) {
      q.join("JOIN runs r ON r.run_uuid = " + owner);
    }
  }

  /**
   * How well a metric comparison narrows an index range: equality, then ranges, then {@code !=}.
   */
  private static int rank(Comparison c) {
    return switch (c.operator()) {
      case EQ -> 0;
      case NE -> 2;
      default -> 1;
    };
  }

  private static List<OrderBy> parseOrder(List<String> orderBy) {
    List<OrderBy> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String s : orderBy) {
      OrderBy o = OrderBy.parseRuns(Objects.requireNonNull(s, "orderBy entry"));
      if (!seen.add(o.entity() + "\u0000" + o.key())) {
        throw KeelException.invalid("`order_by` contains duplicate fields: " + orderBy);
      }
      out.add(o);
    }
    return out;
  }

  private static void condition(SqlParts q, Comparison c) {
    List<Object> binds = new ArrayList<>();
    switch (c.entity()) {
      case METRIC -> {
        String m = q.keyJoin("latest_metrics", "run_uuid", "r.run_uuid", c.key(), true);
        String cond =
            SqlParts.numericCondition(
                m + ".value", c.operator(), SqlParts.doubleBind(c.value()), binds);
        if (SqlParts.zeroMatches(c.operator(), ((Value.Numeric) c.value()).number())) {
          cond = "(" + cond + " AND " + m + ".is_nan = 0)";
        }
        q.where(cond, binds);
      }
      case PARAM, TAG -> {
        String table = c.entity() == Entity.PARAM ? "params" : "tags";
        String a = q.keyJoin(table, "run_uuid", "r.run_uuid", c.key(), true);
        q.where(q.stringCondition(a + ".value", c.operator(), c.value(), binds), binds);
      }
      case ATTRIBUTE -> {
        String column = attributeColumn(c.key());
        if (c.key().equals("start_time") || c.key().equals("end_time")) {
          q.where(
              SqlParts.numericCondition(
                  column, c.operator(), SqlParts.integerBind(c.value()), binds),
              binds);
        } else {
          q.where(q.stringCondition(column, c.operator(), c.value(), binds), binds);
        }
      }
      case DATASET -> {
        String s = q.alias();
        String sql;
        if (c.key().equals("context")) {
          binds.add(DATASET_CONTEXT_TAG);
          sql =
              "EXISTS (SELECT 1 FROM run_input_tags "
                  + s
                  + " WHERE "
                  + s
                  + ".run_uuid = r.run_uuid AND "
                  + s
                  + ".key = ? AND "
                  + q.stringCondition(s + ".value", c.operator(), c.value(), binds)
                  + ")";
        } else {
          String d = q.alias();
          sql =
              "EXISTS (SELECT 1 FROM run_inputs "
                  + s
                  + " JOIN datasets "
                  + d
                  + " ON "
                  + d
                  + ".dataset_uuid = "
                  + s
                  + ".dataset_uuid WHERE "
                  + s
                  + ".run_uuid = r.run_uuid AND "
                  + q.stringCondition(d + "." + c.key(), c.operator(), c.value(), binds)
                  + ")";
        }
        q.where(sql, binds);
      }
    }
  }

  private static void orderTerm(SqlParts q, OrderBy o) {
    boolean asc = o.ascending();
    switch (o.entity()) {
      case METRIC -> {
        String m = q.keyJoin("latest_metrics", "run_uuid", "r.run_uuid", o.key(), false);
        if (!q.isInner(m)) { // a filter on the key already excludes missing and NaN values
          q.orderBy(
              "CASE WHEN "
                  + m
                  + ".run_uuid IS NULL THEN 2 WHEN "
                  + m
                  + ".is_nan = 1 THEN 1 ELSE 0 END");
        }
        q.orderBy(SqlParts.direction(m + ".value", asc));
      }
      case PARAM, TAG -> {
        String table = o.entity() == Entity.PARAM ? "params" : "tags";
        String a = q.keyJoin(table, "run_uuid", "r.run_uuid", o.key(), false);
        if (!q.isInner(a)) { // a filter on the key already excludes runs lacking it
          q.orderBy("CASE WHEN " + a + ".run_uuid IS NULL THEN 1 ELSE 0 END");
        }
        q.orderBy(q.textOrder(a + ".value", asc));
      }
      case ATTRIBUTE -> {
        String column = attributeColumn(o.key());
        switch (o.key()) {
          case "start_time", "experiment_id", "run_id" ->
              q.orderBy(SqlParts.direction(column, asc));
          case "end_time" -> {
            q.orderBy("CASE WHEN r.end_time IS NULL THEN 1 ELSE 0 END");
            q.orderBy(SqlParts.direction(column, asc));
          }
          default -> q.orderBy(q.textOrder(column, asc));
        }
      }
      case DATASET -> throw new IllegalStateException("datasets are not orderable");
    }
  }

  private static String attributeColumn(String key) {
    return switch (key) {
      case "run_id" -> "r.run_uuid";
      case "run_name" -> "r.name";
      case "status" -> "r.status";
      case "user_id" -> "r.user_id";
      case "artifact_uri" -> "r.artifact_uri";
      case "start_time" -> "r.start_time";
      case "end_time" -> "r.end_time";
      case "experiment_id" -> "r.experiment_id";
      default -> throw new IllegalStateException("unknown run attribute " + key);
    };
  }
}
