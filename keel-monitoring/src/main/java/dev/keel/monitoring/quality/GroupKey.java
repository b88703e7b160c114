package dev.keel.monitoring.quality;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values of the caller's group expressions for one group, in the order they were given,
 * normalised so that keys compare by value: Integer/Short/Byte become Long, Float becomes Double,
 * {@code java.sql.Timestamp}, {@code LocalDateTime} (UTC) and {@code OffsetDateTime} become {@code
 * Instant}, {@code java.sql.Date} becomes {@code LocalDate}; NULL is {@code null}.
 *
 * @param values one value per group expression (an empty list when there are none)
 */
public record GroupKey(List<Object> values) {
  public GroupKey {
    // List.copyOf rejects nulls, and a NULL group value is legitimate.
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** A key from already-normalised values. */
  public static GroupKey of(Object... values) {
    List<Object> list = new ArrayList<>(values.length);
    for (Object v : values) {
      list.add(Sql.normalise(v));
    }
    return new GroupKey(list);
  }
}
