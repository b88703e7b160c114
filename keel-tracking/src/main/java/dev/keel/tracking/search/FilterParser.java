package dev.keel.tracking.search;

import dev.keel.core.KeelException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written scanner and parser for MLflow's filter and {@code order_by} syntax. It accepts
 * exactly {@code comparison (AND comparison)*} and reports anything else as a 400 that quotes the
 * offending clause.
 */
final class FilterParser {
  private static final Pattern NUMBER =
      Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final int SNIPPET = 120;

  private final String text;
  private final Grammar grammar;
  private int pos;

  private FilterParser(String text, Grammar grammar) {
    this.text = text;
    this.grammar = grammar;
  }

  /** Parses a whole filter; empty or blank means no comparisons. */
  static List<Comparison> parseFilter(String filter, Grammar grammar) {
    return new FilterParser(filter, grammar).filter();
  }

  /** Parses one {@code order_by} entry. */
  static OrderBy parseOrderBy(String clause, Grammar grammar) {
    return new FilterParser(clause, grammar).orderBy();
  }

  // ---------------------------------------------------------------- filter

  private List<Comparison> filter() {
    if (text.length() > SearchFilter.MAX_LENGTH) {
      throw KeelException.invalid(
          "Invalid filter: it is "
              + text.length()
              + " characters long; the limit is "
              + SearchFilter.MAX_LENGTH
              + ".");
    }
    List<Comparison> out = new ArrayList<>();
    skipWs();
    if (atEnd()) {
      return out;
    }
    while (true) {
      if (out.size() == SearchFilter.MAX_CLAUSES) {
        throw invalidClause(
            pos,
            "A filter may join at most "
                + SearchFilter.MAX_CLAUSES
                + " comparisons with AND; this one has more.");
      }
      out.add(comparison());
      skipWs();
      if (atEnd()) {
        return out;
      }
      int at = pos;
      String word = isWordChar(peek()) ? word() : "";
      if (!word.equalsIgnoreCase("AND")) {
        throw invalidClause(
            at,
            "Comparisons can only be joined with AND; OR, NOT and parentheses around"
                + " comparisons are not supported.");
      }
      skipWs();
      if (atEnd()) {
        throw invalidClause(at, "Expected a comparison after AND.");
      }
    }
  }

  private Comparison comparison() {
    int start = pos;
    Ident ident = identifier(start);
    skipWs();
    String op = operator(start);
    skipWs();
    RawValue raw = rawValue(start);
    String clause = abbreviate(text.substring(start, pos));

    Resolved r = resolve(ident, false, clause);
    Optional<Operator> operator = Operator.ofSymbol(op);
    if (operator.isEmpty()) {
      throw KeelException.invalid(
          "Invalid comparator '"
              + op
              + "' in clause '"
              + clause
              + "'. Valid comparators are =, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN.");
    }
    Set<Operator> allowed = grammar.operators(r.entity(), r.key());
    if (!allowed.contains(operator.get())) {
      String hint =
          (operator.get() == Operator.IN || operator.get() == Operator.NOT_IN)
                  && r.entity() == Entity.ATTRIBUTE
                  && !grammar.isNumeric(r.entity(), r.key())
              ? " Only the 'run_id' attribute supports IN and NOT IN."
              : "";
      throw KeelException.invalid(
          "Invalid comparator '"
              + operator.get().symbol()
              + "' for "
              + describe(r)
              + " in clause '"
              + clause
              + "'. Valid comparators are "
              + Grammar.operatorList(allowed)
              + "."
              + hint);
    }
    Value value = typedValue(r, operator.get(), raw, clause);
    return new Comparison(r.entity(), r.key(), operator.get(), value);
  }

  private Value typedValue(Resolved r, Operator op, RawValue raw, String clause) {
    if (grammar.isNumeric(r.entity(), r.key())) {
      if (raw.kind() != Kind.NUMBER) {
        throw KeelException.invalid(
            "Expected a numeric value for "
                + describe(r)
                + " in clause '"
                + clause
                + "'. Found "
                + raw.source()
                + ".");
      }
      BigDecimal n = new BigDecimal(raw.texts().get(0));
      if (Double.isInfinite(n.doubleValue())) {
        throw KeelException.invalid(
            "Numeric value " + raw.source() + " is out of range in clause '" + clause + "'.");
      }
      return new Value.Numeric(n);
    }
    if (op == Operator.IN || op == Operator.NOT_IN) {
      if (raw.kind() != Kind.LIST) {
        throw KeelException.invalid(
            "Expected a parenthesised list of quoted strings after "
                + op.symbol()
                + " in clause '"
                + clause
                + "', e.g. ('a', 'b'). Found "
                + raw.source()
                + ".");
      }
      return new Value.TextList(raw.texts());
    }
    return switch (raw.kind()) {
      case QUOTED -> {
        String t = raw.texts().get(0);
        if ((op == Operator.LIKE || op == Operator.ILIKE) && endsWithLoneBackslash(t)) {
          throw KeelException.invalid(
              "The pattern in clause '"
                  + clause
                  + "' ends with the escape character '\\'; write '\\\\' for a backslash.");
        }
        yield new Value.Text(t);
      }
      case LIST ->
          throw KeelException.invalid(
              "A list of values is only allowed with IN and NOT IN, in clause '" + clause + "'.");
      case NUMBER, BARE ->
          throw KeelException.invalid(
              "Expected a quoted string value for "
                  + describe(r)
                  + " in clause '"
                  + clause
                  + "' (e.g. 'my-value'). Found "
                  + raw.source()
                  + "; use single or double quotes.");
    };
  }

  /** Whether the pattern ends with an escape character that escapes nothing. */
  private static boolean endsWithLoneBackslash(String pattern) {
    int n = 0;
    for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static String describe(Resolved r) {
    return r.entity().label() + " '" + r.key() + "'";
  }

  // ---------------------------------------------------------------- order_by

  private OrderBy orderBy() {
    skipWs();
    if (atEnd()) {
      throw KeelException.invalid(
          "Invalid order_by clause '"
              + abbreviate(text)
              + "'. Expected '<identifier> [ASC|DESC]'.");
    }
    Ident ident = identifier(0, true);
    skipWs();
    boolean ascending = true;
    if (!atEnd()) {
      if (!isWordChar(peek())) {
        throw invalidOrderBy();
      }
      String dir = word();
      if (dir.equalsIgnoreCase("ASC")) {
        ascending = true;
      } else if (dir.equalsIgnoreCase("DESC")) {
        ascending = false;
      } else {
        throw KeelException.invalid(
            "Invalid ordering key in order_by clause '"
                + abbreviate(text)
                + "': expected ASC or DESC, found '"
                + dir
                + "'.");
      }
      skipWs();
      if (!atEnd()) {
        throw invalidOrderBy();
      }
    }
    Resolved r = resolve(ident, true, abbreviate(text.trim()));
    return new OrderBy(r.entity(), r.key(), ascending);
  }

  private KeelException invalidOrderBy() {
    return KeelException.invalid(
        "Invalid order_by clause '"
            + abbreviate(text)
            + "'. Expected '<identifier> [ASC|DESC]'; quote keys with spaces or special"
            + " characters, e.g. metrics.\"my metric\" DESC.");
  }

  // ---------------------------------------------------------------- identifiers

  private record Ident(Optional<String> prefix, String key) {}

  private record Resolved(Entity entity, String key) {}

  private Ident identifier(int clauseStart) {
    return identifier(clauseStart, false);
  }

  private Ident identifier(int clauseStart, boolean orderBy) {
    if (atEnd()) {
      throw syntax(clauseStart, orderBy, "Expected an identifier.");
    }
    char c = peek();
    String first;
    if (c == '`' || c == '"') {
      int q = pos;
      first = quoted(c, clauseStart, orderBy);
      if (!atEnd() && peek() == '.') {
        if (c == '"') {
          throw KeelException.invalid(
              "Invalid entity type '"
                  + abbreviate(text.substring(q, pos))
                  + "' in '"
                  + snippet(clauseStart)
                  + "'. Valid values are "
                  + grammar.prefixList()
                  + "; quote entity names with backticks only.");
        }
      } else {
        return new Ident(Optional.empty(), first);
      }
    } else if (isWordChar(c)) {
      first = word();
      if (atEnd() || peek() != '.') {
        return new Ident(Optional.empty(), first);
      }
    } else {
      String hint =
          c == '('
              ? "Parentheses are only allowed around the list of IN and NOT IN."
              : "Expected an identifier such as metrics.acc, params.model or attributes.status.";
      throw syntax(clauseStart, orderBy, hint);
    }
    pos++; // the dot after the prefix
    String key;
    if (!atEnd() && (peek() == '`' || peek() == '"')) {
      key = quoted(peek(), clauseStart, orderBy);
    } else {
      int s = pos;
      while (!atEnd() && (isWordChar(peek()) || peek() == '.')) {
        pos++;
      }
      key = text.substring(s, pos);
    }
    if (key.isEmpty()) {
      throw syntax(clauseStart, orderBy, "Expected a key after '" + first + ".'.");
    }
    return new Ident(Optional.of(first), key);
  }

  private Resolved resolve(Ident ident, boolean orderBy, String clause) {
    String where = orderBy ? "order_by clause '" + clause + "'" : "clause '" + clause + "'";
    Entity entity = Entity.ATTRIBUTE;
    if (ident.prefix().isPresent()) {
      String p = ident.prefix().get();
      entity =
          grammar
              .entity(p)
              .orElseThrow(
                  () ->
                      KeelException.invalid(
                          "Invalid entity type '"
                              + p
                              + "' in "
                              + where
                              + ". Valid values are "
                              + grammar.prefixList()
                              + "."));
    }
    String key = ident.key();
    if (key.isEmpty()) {
      throw KeelException.invalid("Empty key in " + where + ".");
    }
    switch (entity) {
      case ATTRIBUTE -> {
        Optional<String> attr =
            orderBy ? grammar.orderAttribute(key) : grammar.filterAttribute(key);
        key =
            attr.orElseThrow(
                () ->
                    KeelException.invalid(
                        "Invalid attribute key '"
                            + ident.key()
                            + "' in "
                            + where
                            + ". Valid keys are "
                            + (orderBy
                                ? grammar.orderAttributeList()
                                : grammar.filterAttributeList())
                            + "."));
      }
      case DATASET -> {
        if (orderBy) {
          throw KeelException.invalid(
              "Invalid order_by clause '" + clause + "': runs cannot be ordered by datasets.");
        }
        if (!Grammar.DATASET_KEYS.contains(key)) {
          throw KeelException.invalid(
              "Invalid dataset key '"
                  + key
                  + "' in "
                  + where
                  + ". Valid keys are name, digest, context.");
        }
      }
      default -> {}
    }
    return new Resolved(entity, key);
  }

  // ---------------------------------------------------------------- operators and values

  private String operator(int clauseStart) {
    if (atEnd()) {
      throw invalidClause(clauseStart, "Expected a comparator after the identifier.");
    }
    char c = peek();
    if ("=!<>".indexOf(c) >= 0) {
      int s = pos;
      while (!atEnd() && "=!<>".indexOf(peek()) >= 0) {
        pos++;
      }
      return text.substring(s, pos);
    }
    if (isWordChar(c)) {
      String w = word().toUpperCase(Locale.ROOT);
      if (w.equals("NOT")) {
        skipWs();
        String next = !atEnd() && isWordChar(peek()) ? word().toUpperCase(Locale.ROOT) : "";
        return "NOT " + next;
      }
      return w;
    }
    throw invalidClause(clauseStart, "Expected a comparator after the identifier.");
  }

  private enum Kind {
    QUOTED,
    NUMBER,
    LIST,
    BARE
  }

  private record RawValue(Kind kind, List<String> texts, String source) {}

  private RawValue rawValue(int clauseStart) {
    if (atEnd()) {
      throw invalidClause(clauseStart, "Expected a value after the comparator.");
    }
    int s = pos;
    char c = peek();
    if (c == '\'' || c == '"') {
      String t = quoted(c, clauseStart, false);
      return new RawValue(Kind.QUOTED, List.of(t), text.substring(s, pos));
    }
    if (c == '`') {
      quoted(c, clauseStart, false);
      return new RawValue(Kind.BARE, List.of(), text.substring(s, pos));
    }
    if (c == '(') {
      return list(clauseStart);
    }
    Matcher m = NUMBER.matcher(text).region(pos, text.length());
    if (m.lookingAt()) {
      pos = m.end();
      if (!atEnd() && (isWordChar(peek()) || peek() == '.')) {
        while (!atEnd() && (isWordChar(peek()) || peek() == '.')) {
          pos++;
        }
        return new RawValue(Kind.BARE, List.of(), text.substring(s, pos));
      }
      return new RawValue(Kind.NUMBER, List.of(m.group()), m.group());
    }
    if (isWordChar(c)) {
      while (!atEnd() && (isWordChar(peek()) || peek() == '.')) {
        pos++;
      }
      return new RawValue(Kind.BARE, List.of(), text.substring(s, pos));
    }
    throw invalidClause(clauseStart, "Expected a value after the comparator.");
  }

  private RawValue list(int clauseStart) {
    int s = pos;
    pos++; // (
    List<String> items = new ArrayList<>();
    String malformed =
        "Expected a non-empty list of quoted strings such as ('a', 'b') after IN or NOT IN.";
    while (true) {
      skipWs();
      if (atEnd()) {
        throw invalidClause(clauseStart, "The list is never closed with ')'.");
      }
      char c = peek();
      if (c == ')' && !items.isEmpty()) {
        pos++;
        break;
      }
      if (c != '\'' && c != '"') {
        throw invalidClause(clauseStart, malformed);
      }
      if (items.size() == SearchFilter.MAX_LIST_VALUES) {
        throw invalidClause(
            clauseStart,
            "An IN or NOT IN list may hold at most "
                + SearchFilter.MAX_LIST_VALUES
                + " values; this one has more.");
      }
      items.add(quoted(c, clauseStart, false));
      skipWs();
      if (atEnd()) {
        throw invalidClause(clauseStart, "The list is never closed with ')'.");
      }
      if (peek() == ',') {
        pos++;
      } else if (peek() == ')') {
        pos++;
        break;
      } else {
        throw invalidClause(clauseStart, malformed);
      }
    }
    return new RawValue(Kind.LIST, items, text.substring(s, pos));
  }

  /** Reads a quoted token starting at the quote {@code q}; a doubled quote stands for itself. */
  private String quoted(char q, int clauseStart, boolean orderBy) {
    int open = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (atEnd()) {
        pos = open;
        throw syntax(
            clauseStart,
            orderBy,
            "The quote " + q + " at character " + (open + 1) + " is never closed.");
      }
      char c = text.charAt(pos);
      if (c == q) {
        if (pos + 1 < text.length() && text.charAt(pos + 1) == q) {
          sb.append(q);
          pos += 2;
          continue;
        }
        pos++;
        return sb.toString();
      }
      sb.append(c);
      pos++;
    }
  }

  // ---------------------------------------------------------------- scanning helpers

  private boolean atEnd() {
    return pos >= text.length();
  }

  private char peek() {
    return text.charAt(pos);
  }

  private void skipWs() {
    while (!atEnd() && Character.isWhitespace(peek())) {
      pos++;
    }
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private String word() {
    int s = pos;
    while (!atEnd() && isWordChar(peek())) {
      pos++;
    }
    return text.substring(s, pos);
  }

  private String snippet(int from) {
    return abbreviate(text.substring(from).strip());
  }

  /** User text quoted in a message, cut to a readable length. */
  private static String abbreviate(String s) {
    return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
  }

  private KeelException syntax(int clauseStart, boolean orderBy, String reason) {
    if (orderBy) {
      return KeelException.invalid("Invalid order_by clause '" + abbreviate(text) + "'. " + reason);
    }
    return invalidClause(clauseStart, reason);
  }

  private KeelException invalidClause(int from, String reason) {
    return KeelException.invalid(
        "Invalid clause(s) in filter string: '" + snippet(from) + "'. " + reason);
  }
}
