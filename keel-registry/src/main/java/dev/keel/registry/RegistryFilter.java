package dev.keel.registry;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * MLflow's registry search grammar (mlflow.md §2.2): comparisons joined by {@code AND}, each {@code
 * [attribute.]name|run_id|version_number|source_path} or {@code tags.<key>} (key plain, or quoted
 * with backticks or double quotes), an operator and a value ({@code 'text'}, {@code "text"}, a
 * number, or for {@code IN} a parenthesised list). Which fields and operators are allowed depends
 * on the entity; anything else is a 400 naming the problem. Parsing only: SQL is built by the store
 * from the checked {@link Clause}s, with every value bound.
 */
public final class RegistryFilter {
  /** Most comparisons one filter may hold (the same limit as run and experiment filters). */
  public static final int MAX_CLAUSES = 100;

  /** Most values one {@code IN} list may hold. */
  public static final int MAX_LIST_VALUES = 1_000;

  /** Longest filter text, in characters. */
  public static final int MAX_LENGTH = 100_000;

  private static final Set<String> STRING_OPS = Set.of("=", "!=", "LIKE", "ILIKE");
  private static final Set<String> NUMERIC_OPS = Set.of("=", "!=", "<", "<=", ">", ">=");
  private static final Set<String> ID_OPS = Set.of("=", "!=", "IN");

  private final String text;
  private int pos;

  private RegistryFilter(String text) {
    this.text = text;
  }

  /** Parses a registered-model filter ({@code name}, {@code tags.<key>}). */
  public static List<Clause> models(String filter) {
    return new RegistryFilter(filter).parse(false);
  }

  /** Parses a model-version filter ({@code name}, {@code run_id}, {@code version_number}, ...). */
  public static List<Clause> versions(String filter) {
    return new RegistryFilter(filter).parse(true);
  }

  private List<Clause> parse(boolean versions) {
    if (text.length() > MAX_LENGTH) {
      throw KeelException.invalid(
          "Invalid filter: it is "
              + text.length()
              + " characters long; the limit is "
              + MAX_LENGTH
              + ".");
    }
    List<Clause> out = new ArrayList<>();
    skipSpace();
    if (pos >= text.length()) {
      return out;
    }
    while (true) {
      if (out.size() == MAX_CLAUSES) {
        throw limit("a filter may join at most " + MAX_CLAUSES + " comparisons with AND");
      }
      out.add(comparison(versions));
      skipSpace();
      if (pos >= text.length()) {
        return out;
      }
      String word = word();
      if (!word.equalsIgnoreCase("AND")) {
        throw bad("expected AND between comparisons, found '" + word + "'");
      }
    }
  }

  private Clause comparison(boolean versions) {
    skipSpace();
    String field;
    if (peek() == '`' || peek() == '"') {
      throw bad("a comparison must start with an attribute or 'tags.<key>'");
    }
    String ident = identifier();
    String lower = ident.toLowerCase(Locale.ROOT);
    if (lower.startsWith("attribute.")) {
      lower = lower.substring("attribute.".length());
    }
    boolean tag = false;
    if (lower.equals("tags.") || lower.equals("tag.")) {
      field = "tags." + quoted();
      tag = true;
    } else if (lower.startsWith("tags.") || lower.startsWith("tag.")) {
      field = "tags." + ident.substring(ident.indexOf('.') + 1);
      tag = true;
    } else {
      field = lower;
    }
    Set<String> ops;
    if (tag) {
      ops = STRING_OPS;
    } else if (field.equals("name")) {
      ops = STRING_OPS;
    } else if (versions && field.equals("run_id")) {
      ops = ID_OPS;
    } else if (versions && field.equals("version_number")) {
      ops = NUMERIC_OPS;
    } else if (versions && field.equals("source_path")) {
      ops = STRING_OPS;
    } else {
      throw bad(
          "invalid attribute '"
              + ident
              + "'; valid attributes are "
              + (versions ? "name, run_id, version_number, source_path" : "name")
              + " and tags.<key>");
    }
    skipSpace();
    String op = operator();
    if (!ops.contains(op)) {
      throw bad("operator '" + op + "' is not allowed for '" + field + "'; use one of " + ops);
    }
    skipSpace();
    List<String> values = new ArrayList<>();
    if (op.equals("IN")) {
      expect('(');
      do {
        if (values.size() == MAX_LIST_VALUES) {
          throw limit("an IN list may hold at most " + MAX_LIST_VALUES + " values");
        }
        skipSpace();
        values.add(string());
        skipSpace();
      } while (tryConsume(','));
      expect(')');
    } else if (field.equals("version_number")) {
      String n = word();
      try {
        values.add(Long.toString(Long.parseLong(n)));
      } catch (NumberFormatException e) {
        throw bad("'version_number' needs an integer, got '" + n + "'");
      }
    } else {
      values.add(string());
    }
    if (field.equals("name")) {
      values.replaceAll(v -> v.toLowerCase(Locale.ROOT));
    }
    return new Clause(field, op, values);
  }

  private String operator() {
    if (text.startsWith("!=", pos) || text.startsWith("<=", pos) || text.startsWith(">=", pos)) {
      pos += 2;
      return text.substring(pos - 2, pos);
    }
    char c = peek();
    if (c == '=' || c == '<' || c == '>') {
      pos++;
      return String.valueOf(c);
    }
    String w = word().toUpperCase(Locale.ROOT);
    if (w.equals("LIKE") || w.equals("ILIKE") || w.equals("IN")) {
      return w;
    }
    throw bad("expected an operator, found '" + w + "'");
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos) {
      throw bad("expected an attribute at position " + pos);
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    char q = peek();
    if (q != '`' && q != '"') {
      throw bad("expected a tag key after 'tags.'");
    }
    int end = text.indexOf(q, pos + 1);
    if (end < 0) {
      throw bad("unterminated quote " + q);
    }
    String s = text.substring(pos + 1, end);
    pos = end + 1;
    return s;
  }

  private String string() {
    char q = peek();
    if (q != '\'' && q != '"') {
      throw bad("expected a quoted string value at position " + pos);
    }
    int end = text.indexOf(q, pos + 1);
    if (end < 0) {
      throw bad("unterminated string");
    }
    String s = text.substring(pos + 1, end);
    pos = end + 1;
    return s;
  }

  private String word() {
    int start = pos;
    while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
      char c = text.charAt(pos);
      if (c == '(' || c == '\'' || c == '"') {
        break;
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  private void expect(char c) {
    skipSpace();
    if (!tryConsume(c)) {
      throw bad("expected '" + c + "' at position " + pos);
    }
  }

  private boolean tryConsume(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  /** A limit error: quotes only the start of the filter, which may be long. */
  private KeelException limit(String why) {
    String head = text.length() <= 120 ? text : text.substring(0, 120) + "...";
    return KeelException.invalid("Invalid filter '" + head + "': " + why + ".");
  }

  private KeelException bad(String why) {
    return KeelException.invalid("Invalid filter '" + text + "': " + why + ".");
  }
}
