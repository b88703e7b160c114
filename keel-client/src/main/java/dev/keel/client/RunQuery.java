package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A search over the runs of some experiments. Immutable; start from {@link #in(String...)} and
 * refine with the {@code with} methods:
 *
 * <pre>{@code
 * client.searchRuns(RunQuery.in("1", "2")
 *     .withFilter("metrics.rmse < 1 AND params.model = 'xgb'")
 *     .withOrderBy("metrics.rmse ASC")
 *     .withMaxResults(10));
 * }</pre>
 *
 * @param experimentIds experiments to search (at least one)
 * @param filter filter expression (MLflow run search grammar); {@code ""} for none
 * @param viewType which lifecycle stages to return
 * @param maxResults page size; 0 for the server's default
 * @param orderBy order clauses such as {@code "metrics.rmse ASC"}
 * @param pageToken token of the page to fetch; {@code ""} for the first page
 */
public record RunQuery(
    List<String> experimentIds,
    String filter,
    ViewType viewType,
    int maxResults,
    List<String> orderBy,
    String pageToken) {
  public RunQuery {
    experimentIds = List.copyOf(experimentIds);
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(viewType, "viewType");
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative");
    }
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(pageToken, "pageToken");
  }

  /** Every active run of the given experiments, in the server's default order. */
  public static RunQuery in(String... experimentIds) {
    return in(List.of(experimentIds));
  }

  /** Every active run of the given experiments, in the server's default order. */
  public static RunQuery in(List<String> experimentIds) {
    return new RunQuery(experimentIds, "", ViewType.ACTIVE_ONLY, 0, List.of(), "");
  }

  /** This query with the given filter expression. */
  public RunQuery withFilter(String filter) {
    return new RunQuery(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
  }

  /** This query over the given lifecycle stages. */
  public RunQuery withViewType(ViewType viewType) {
    return new RunQuery(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
  }

  /** This query with the given page size. */
  public RunQuery withMaxResults(int maxResults) {
    return new RunQuery(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
  }

  /** This query with the given order clauses. */
  public RunQuery withOrderBy(String... orderBy) {
    return withOrderBy(List.of(orderBy));
  }

  /** This query with the given order clauses. */
  public RunQuery withOrderBy(List<String> orderBy) {
    return new RunQuery(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
  }

  /** This query at the page the token names ({@code ""} for the first page). */
  public RunQuery withPageToken(String pageToken) {
    return new RunQuery(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
  }
}
