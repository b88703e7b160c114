package dev.keel.tracking.search;

import java.util.Optional;

/** A comparison operator of the search grammar. */
public enum Operator {
  EQ("="),
  NE("!="),
  GT(">"),
  GE(">="),
  LT("<"),
  LE("<="),
  /** SQL {@code LIKE}: case-sensitive, {@code %} any run, {@code _} one character. */
  LIKE("LIKE"),
  /** Case-insensitive {@code LIKE}. */
  ILIKE("ILIKE"),
  /** Membership in a parenthesised list of quoted strings. */
  IN("IN"),
  /** Non-membership in a parenthesised list of quoted strings. */
  NOT_IN("NOT IN");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in a filter (keywords upper-case), e.g. {@code NOT IN}. */
  public String symbol() {
    return symbol;
  }

  /** The operator written as {@code symbol} (keywords already upper-cased), if any. */
  static Optional<Operator> ofSymbol(String symbol) {
    for (Operator o : values()) {
      if (o.symbol.equals(symbol)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
