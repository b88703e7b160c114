package dev.keel.tracking.search;

import java.util.List;
import java.util.Objects;

/**
 * A SQL statement with positional {@code ?} binds, ready for {@code handle.createQuery(sql)} and
 * {@code bind(i, binds.get(i))}. Binds are {@link String}, {@link Long}, {@link Integer} or {@link
 * Double} values, never null.
 *
 * @param sql the statement text; it contains no user input
 * @param binds the values for the {@code ?} placeholders, in order
 */
public record SqlQuery(String sql, List<Object> binds) {
  /** Copies {@code binds}; rejects nulls. */
  public SqlQuery {
    Objects.requireNonNull(sql, "sql");
    binds = List.copyOf(binds);
  }
}
