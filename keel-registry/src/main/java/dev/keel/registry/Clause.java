package dev.keel.registry;

import java.util.List;
import java.util.Objects;

/**
 * One condition of a registry search, already parsed and checked: {@code field op values}.
 *
 * @param field {@code name} (the full name), {@code run_id}, {@code version_number}, {@code
 *     source_path}, or {@code tags.<key>}
 * @param op one of {@code =}, {@code !=}, {@code LIKE}, {@code ILIKE}, {@code IN}, {@code <},
 *     {@code <=}, {@code >}, {@code >=}
 * @param values the operand; one value except for {@code IN}
 */
public record Clause(String field, String op, List<String> values) {
  public Clause {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(op, "op");
    values = List.copyOf(values);
  }

  /** The tag key when this is a {@code tags.<key>} clause. */
  public boolean isTag() {
    return field.startsWith("tags.");
  }

  public String tagKey() {
    return field.substring("tags.".length());
  }
}
