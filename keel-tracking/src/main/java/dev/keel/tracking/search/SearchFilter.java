package dev.keel.tracking.search;

import java.util.List;
import java.util.Objects;

/**
 * A parsed, validated search filter: comparisons that must all hold (MLflow joins them with {@code
 * AND} only).
 *
 * <p>Syntax (MLflow's {@code search_utils.py}): {@code identifier comparator value} clauses joined
 * by {@code AND} (any case). An identifier is {@code [prefix.]key}; a missing prefix means an
 * attribute. Keys may contain dots ({@code tags.mlflow.runName}) and are quoted with {@code "..."}
 * or {@code `...`} when they contain anything but letters, digits, underscores and dots. String
 * values use single or double quotes (a doubled quote stands for itself); numbers may be negative,
 * decimal or have an exponent; {@code IN} and {@code NOT IN} take a non-empty parenthesised list of
 * quoted strings. Anything else is a 400 INVALID_ARGUMENT that quotes the clause.
 *
 * <p>Limits (MLflow has none; without them a long filter reached the database, and 1,000 clauses
 * overflowed SQLite's expression tree, a 500): at most {@link #MAX_CLAUSES} comparisons, {@link
 * #MAX_LIST_VALUES} values in one {@code IN} list and {@link #MAX_LENGTH} characters; more is a 400
 * before the database is asked.
 *
 * @param comparisons the comparisons, in filter order; empty for an empty filter
 */
public record SearchFilter(List<Comparison> comparisons) {
  /** Most comparisons one filter may hold. */
  public static final int MAX_CLAUSES = 100;

  /** Most values one {@code IN} / {@code NOT IN} list may hold. */
  public static final int MAX_LIST_VALUES = 1_000;

  /** Longest filter text, in characters. */
  public static final int MAX_LENGTH = 100_000;

  /** Copies the list. */
  public SearchFilter {
    comparisons = List.copyOf(comparisons);
  }

  /**
   * Parses a run filter. Prefixes: {@code metric(s)}, {@code param(s)}/{@code parameter(s)}, {@code
   * tag(s)}, {@code attribute(s)}/{@code attr}/{@code run}, {@code dataset(s)}. Metrics and the
   * numeric attributes {@code start_time} (alias {@code created}) and {@code end_time} take {@code
   * = != > >= < <=} and a number; params and tags {@code = != LIKE ILIKE} and a string; the string
   * attributes {@code run_id}, {@code run_name} (alias {@code "run name"}), {@code status}, {@code
   * user_id}, {@code artifact_uri} take {@code = != LIKE ILIKE}, and {@code run_id} also {@code IN}
   * and {@code NOT IN}; datasets ({@code name}, {@code digest}, {@code context}) take {@code = !=
   * LIKE ILIKE IN NOT IN}.
   *
   * @param filter the filter text; empty or blank for none
   * @throws dev.keel.core.KeelException 400 INVALID_ARGUMENT naming the bad clause
   */
  public static SearchFilter parseRuns(String filter) {
    Objects.requireNonNull(filter, "filter");
    return new SearchFilter(FilterParser.parseFilter(filter, Grammar.RUNS));
  }

  /**
   * Parses an experiment filter. Prefixes: {@code attribute} (or none) and {@code tag(s)}. The
   * attribute {@code name} and tags take {@code = != LIKE ILIKE} and a string; {@code
   * creation_time} and {@code last_update_time} take {@code = != > >= < <=} and a number.
   *
   * @param filter the filter text; empty or blank for none
   * @throws dev.keel.core.KeelException 400 INVALID_ARGUMENT naming the bad clause
   */
  public static SearchFilter parseExperiments(String filter) {
    Objects.requireNonNull(filter, "filter");
    return new SearchFilter(FilterParser.parseFilter(filter, Grammar.EXPERIMENTS));
  }
}
