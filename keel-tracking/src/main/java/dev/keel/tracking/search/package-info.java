/**
 * MLflow-compatible search for runs and experiments: the filter grammar of MLflow's {@code
 * search_utils.py} ({@link dev.keel.tracking.search.SearchFilter}), {@code order_by} clauses
 * ({@link dev.keel.tracking.search.OrderBy}) and their compilation into one SQL statement per
 * search ({@link dev.keel.tracking.search.RunSearch}, {@link
 * dev.keel.tracking.search.ExperimentSearch}) that filters, orders and pages entirely in the
 * database, on SQLite and PostgreSQL alike.
 *
 * <p>Every value and every key from the user travels as a {@code ?} bind; only fixed SQL text is
 * concatenated.
 */
package dev.keel.tracking.search;
