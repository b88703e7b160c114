package dev.keel.tracking.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** The right-hand side of a comparison. */
public sealed interface Value {
  /** A quoted string, quotes removed and doubled quotes un-doubled. */
  record Text(String text) implements Value {
    /** Rejects null. */
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /** A numeric literal such as {@code 1}, {@code -0.5} or {@code 1e-3}. */
  record Numeric(BigDecimal number) implements Value {
    /** Rejects null. */
    public Numeric {
      Objects.requireNonNull(number, "number");
    }
  }

  /** A non-empty parenthesised list of quoted strings, for {@code IN} and {@code NOT IN}. */
  record TextList(List<String> texts) implements Value {
    /** Copies the list; rejects null and empty lists. */
    public TextList {
      texts = List.copyOf(texts);
      if (texts.isEmpty()) {
        throw new IllegalArgumentException("a list value is never empty");
      }
    }
  }
}
