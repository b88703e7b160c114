package dev.keel.features.training;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One lookup of a training-set spec after {@link LookupValidator} checked it against the spine and
 * the table's snapshot: everything {@link AsofSqlBuilder} needs to write its SQL, and nothing it
 * would have to check again.
 *
 * @param index the lookup's position in the spec ({@code lookups[index]}; names its CTE {@code
 *     f<index>})
 * @param lookup the lookup as given
 * @param source the table's snapshot (its Parquet files, keys and time columns)
 * @param entityKeys the table's entity keys, matched in order to {@code lookup.lookupKeys()}
 * @param features the looked-up feature columns, in output order
 * @param featureTypes feature column → its DuckDB type
 * @param timeseriesKey the table's event-time column, if it has one
 * @param ingestionTime the table's ingestion-time column, if it has one
 * @param spineTime the spine's time column ({@code timestamp_lookup_key}), if given
 * @param uniqueKey no two rows of the snapshot share the primary key: the event time alone orders a
 *     key's candidates (the fast path)
 * @param availabilityFilter a row only counts from {@code greatest(event, ingestion)} on
 * @param lookbackMicros the lookback window in microseconds, if given
 * @param outputNames feature column → its output column name
 * @param indicators whether a {@code <indicatorBase>__status} column is written
 * @param indicatorBase the prefix of the indicator column
 */
record ResolvedLookup(
    int index,
    FeatureLookup lookup,
    FeatureSource source,
    List<String> entityKeys,
    List<String> features,
    Map<String, String> featureTypes,
    Optional<String> timeseriesKey,
    Optional<String> ingestionTime,
    Optional<String> spineTime,
    boolean uniqueKey,
    boolean availabilityFilter,
    OptionalLong lookbackMicros,
    Map<String, String> outputNames,
    boolean indicators,
    String indicatorBase) {
  ResolvedLookup {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(source, "source");
    entityKeys = List.copyOf(entityKeys);
    features = List.copyOf(features);
    featureTypes = Map.copyOf(featureTypes);
    Objects.requireNonNull(timeseriesKey, "timeseriesKey");
    Objects.requireNonNull(ingestionTime, "ingestionTime");
    Objects.requireNonNull(spineTime, "spineTime");
    Objects.requireNonNull(lookbackMicros, "lookbackMicros");
    outputNames = Map.copyOf(outputNames);
    Objects.requireNonNull(indicatorBase, "indicatorBase");
  }

  /** The spine columns matched to {@link #entityKeys()}, in the same order. */
  List<String> lookupKeys() {
    return lookup.lookupKeys();
  }

  /** {@code lookups[<index>]}: how errors name this lookup. */
  String field() {
    return "lookups[" + index + "]";
  }
}
