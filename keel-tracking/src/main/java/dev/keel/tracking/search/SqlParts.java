package dev.keel.tracking.search;

import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accumulates the pieces of one search statement (joins, conditions, order terms) with their binds
 * kept in text order. Only fixed SQL text is appended; every user value or key becomes a bind.
 */
final class SqlParts {
  /** SQLite joins at most 64 tables; keep well below. */
  static final int MAX_KEY_JOINS = 40;

  /** SQLite binds at most 32766 values per statement; PostgreSQL 65535. */
  static final int MAX_BINDS = 30_000;

  private final Dialect dialect;
  private String from = "";
  private final StringBuilder joins = new StringBuilder();
  private final List<Object> joinBinds = new ArrayList<>();
  private final List<String> where = new ArrayList<>();
  private final List<Object> whereBinds = new ArrayList<>();
  private final List<String> order = new ArrayList<>();
  private final Map<String, String> aliases = new HashMap<>();
  private final Set<String> innerAliases = new HashSet<>();
  private int nextAlias;

  SqlParts(Dialect dialect) {
    this.dialect = dialect;
  }

  /** Sets the first table of the FROM clause, e.g. {@code runs r}. */
  void from(String tableAndAlias) {
    from = tableAndAlias;
  }

  /**
   * Makes {@code table} restricted to {@code key} the first table of the FROM clause, so the search
   * is driven from its {@code (key, value)} index; returns its alias, which later {@link #keyJoin}
   * calls for the same table and key reuse.
   */
  String driver(String table, String key) {
    String alias = "k" + (++nextAlias);
    aliases.put(table + '\u0000' + key, alias);
    innerAliases.add(alias); // the driver is always a filtered key
    from = table + " " + alias;
    where(alias + ".key = ?", List.of(key));
    return alias;
  }

  /** Appends a join of fixed text without binds, e.g. {@code JOIN runs r ON ...}. */
  void join(String fixedJoin) {
    joins.append(' ').append(fixedJoin);
  }

  /**
   * The alias of a join on {@code table} matching {@code owner} by {@code idColumn} and one key,
   * added on first use. Joins on a primary key (id, key) yield at most one row each. An inner join
   * is used when {@code inner}; a later inner request for the same (table, key) reuses the alias.
   */
  String keyJoin(String table, String idColumn, String ownerColumn, String key, boolean inner) {
    String id = table + '\u0000' + key;
    String alias = aliases.get(id);
    if (alias != null) {
      return alias;
    }
    alias = "k" + (++nextAlias);
    aliases.put(id, alias);
    if (inner) {
      innerAliases.add(alias);
    }
    joins
        .append(inner ? " JOIN " : " LEFT JOIN ")
        .append(table)
        .append(' ')
        .append(alias)
        .append(" ON ")
        .append(alias)
        .append('.')
        .append(idColumn)
        .append(" = ")
        .append(ownerColumn)
        .append(" AND ")
        .append(alias)
        .append(".key = ?");
    joinBinds.add(key);
    return alias;
  }

  /**
   * Whether {@code alias} is an inner join: a filter on that key exists, so every row has it, and
   * (for metrics) no NaN value passes a numeric comparison.
   */
  boolean isInner(String alias) {
    return innerAliases.contains(alias);
  }

  /** A fresh alias for a correlated subquery. */
  String alias() {
    return "s" + (++nextAlias);
  }

  /** Adds a condition; {@code binds} fill its {@code ?} in order. */
  void where(String condition, List<Object> binds) {
    where.add(condition);
    whereBinds.addAll(binds);
  }

  /** Adds an order term such as {@code r.start_time DESC}. */
  void orderBy(String term) {
    order.add(term);
  }

  /** {@code column} as an order term; on PostgreSQL strings sort by code point, as on SQLite. */
  String textOrder(String column, boolean ascending) {
    String c = dialect == Dialect.POSTGRESQL ? column + " COLLATE \"C\"" : column;
    return ascending ? c : c + " DESC";
  }

  static String direction(String expr, boolean ascending) {
    return ascending ? expr : expr + " DESC";
  }

  /**
   * Adds {@code column <op> value} for a string column: {@code =}, {@code <>}, case-sensitive
   * {@code LIKE}, {@code LOWER(..) LIKE LOWER(..)} for {@code ILIKE}, {@code [NOT] IN (...)}. LIKE
   * patterns use backslash as their escape character on both databases.
   */
  String stringCondition(String column, Operator op, Value value, List<Object> binds) {
    switch (op) {
      case EQ, NE, LIKE, ILIKE -> binds.add(((Value.Text) value).text());
      case IN, NOT_IN -> binds.addAll(((Value.TextList) value).texts());
      default -> throw new IllegalArgumentException("not a string operator: " + op);
    }
    String escape = dialect == Dialect.POSTGRESQL ? "chr(92)" : "char(92)";
    return switch (op) {
      case EQ -> column + " = ?";
      case NE -> column + " <> ?";
      case LIKE -> column + " LIKE ? ESCAPE " + escape;
      case ILIKE -> "LOWER(" + column + ") LIKE LOWER(CAST(? AS TEXT)) ESCAPE " + escape;
      case IN -> column + " IN (" + placeholders(((Value.TextList) value).texts().size()) + ")";
      case NOT_IN ->
          column + " NOT IN (" + placeholders(((Value.TextList) value).texts().size()) + ")";
      default -> throw new AssertionError(op);
    };
  }

  /** Adds {@code column <op> ?} for a numeric column. */
  static String numericCondition(String column, Operator op, Object bind, List<Object> binds) {
    binds.add(bind);
    String sym = op == Operator.NE ? "<>" : op.symbol();
    return switch (op) {
      case EQ, NE, GT, GE, LT, LE -> column + " " + sym + " ?";
      default -> throw new IllegalArgumentException("not a numeric operator: " + op);
    };
  }

  /** Whether {@code 0 <op> value} holds: a NaN metric (stored as value 0) would then match. */
  static boolean zeroMatches(Operator op, BigDecimal value) {
    int c = BigDecimal.ZERO.compareTo(value);
    return switch (op) {
      case EQ -> c == 0;
      case NE -> c != 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      default -> throw new IllegalArgumentException("not a numeric operator: " + op);
    };
  }

  /** A metric value as a bind. */
  static Double doubleBind(Value value) {
    return ((Value.Numeric) value).number().doubleValue();
  }

  /** An integer column's operand: a Long when the literal is a whole number, else a Double. */
  static Object integerBind(Value value) {
    BigDecimal n = ((Value.Numeric) value).number();
    try {
      return n.longValueExact();
    } catch (ArithmeticException e) {
      return n.doubleValue();
    }
  }

  static String placeholders(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }

  /** Assembles {@code select FROM} + tables + conditions + order + {@code LIMIT ? OFFSET ?}. */
  SqlQuery build(String select, int limit, long offset) {
    if (aliases.size() > MAX_KEY_JOINS) {
      throw KeelException.invalid(
          "The search uses "
              + aliases.size()
              + " distinct metric, param and tag keys in its filter and order_by; at most "
              + MAX_KEY_JOINS
              + " are supported.");
    }
    if (joinBinds.size() + whereBinds.size() > MAX_BINDS) {
      throw KeelException.invalid(
          "The search has too many values (experiment ids and list items); at most "
              + MAX_BINDS
              + " are supported.");
    }
    StringBuilder sql = new StringBuilder(select).append(" FROM ").append(from).append(joins);
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    if (!order.isEmpty()) {
      sql.append(" ORDER BY ").append(String.join(", ", order));
    }
    sql.append(" LIMIT ? OFFSET ?");
    List<Object> binds = new ArrayList<>(joinBinds);
    binds.addAll(whereBinds);
    binds.add(limit);
    binds.add(offset);
    return new SqlQuery(sql.toString(), binds);
  }
}
