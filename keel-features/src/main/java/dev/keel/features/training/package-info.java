/**
 * Point-in-time training sets: {@link dev.keel.features.training.TrainingSetEngine} joins a spine
 * (entity keys, event times and labels) to feature tables read as Parquet files with Feast's exact
 * point-in-time rule, on an in-process DuckDB, and returns a {@link
 * dev.keel.features.training.TrainingSet} that is written to Parquet or streamed to a trainer. The
 * rule, the status indicators and the availability filter are described in {@code
 * docs/features.md}.
 */
package dev.keel.features.training;
