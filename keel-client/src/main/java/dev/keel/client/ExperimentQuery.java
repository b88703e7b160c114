package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A search over experiments. Immutable; start from {@link #all()} and refine with the {@code with}
 * methods:
 *
 * <pre>{@code
 * client.searchExperiments(ExperimentQuery.all().withFilter("name LIKE 'fraud-%'").withOrderBy("name"));
 * }</pre>
 *
 * @param filter filter expression (MLflow grammar, e.g. {@code name LIKE 'a%' AND tags.team =
 *     'ml'}); {@code ""} for none
 * @param orderBy order clauses such as {@code "last_update_time DESC"}
 * @param maxResults page size; 0 for the server's default
 * @param pageToken token of the page to fetch; {@code ""} for the first page
 * @param viewType which lifecycle stages to return
 */
public record ExperimentQuery(
    String filter, List<String> orderBy, int maxResults, String pageToken, ViewType viewType) {
  public ExperimentQuery {
    Objects.requireNonNull(filter, "filter");
    orderBy = List.copyOf(orderBy);
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative");
    }
    Objects.requireNonNull(pageToken, "pageToken");
    Objects.requireNonNull(viewType, "viewType");
  }

  /** Every active experiment, in the server's default order. */
  public static ExperimentQuery all() {
    return new ExperimentQuery("", List.of(), 0, "", ViewType.ACTIVE_ONLY);
  }

  /** This query with the given filter expression. */
  public ExperimentQuery withFilter(String filter) {
    return new ExperimentQuery(filter, orderBy, maxResults, pageToken, viewType);
  }

  /** This query with the given order clauses. */
  public ExperimentQuery withOrderBy(String... orderBy) {
    return new ExperimentQuery(filter, List.of(orderBy), maxResults, pageToken, viewType);
  }

  /** This query with the given order clauses. */
  public ExperimentQuery withOrderBy(List<String> orderBy) {
    return new ExperimentQuery(filter, orderBy, maxResults, pageToken, viewType);
  }

  /** This query with the given page size. */
  public ExperimentQuery withMaxResults(int maxResults) {
    return new ExperimentQuery(filter, orderBy, maxResults, pageToken, viewType);
  }

  /** This query at the page the token names ({@code ""} for the first page). */
  public ExperimentQuery withPageToken(String pageToken) {
    return new ExperimentQuery(filter, orderBy, maxResults, pageToken, viewType);
  }

  /** This query over the given lifecycle stages. */
  public ExperimentQuery withViewType(ViewType viewType) {
    return new ExperimentQuery(filter, orderBy, maxResults, pageToken, viewType);
  }
}
