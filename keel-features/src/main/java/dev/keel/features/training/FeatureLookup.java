package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which features to take from one feature table and how to match them to spine rows.
 *
 * <p>With a {@code timestampLookupKey} on a time-series table the match is point-in-time (the rule
 * is in {@code docs/features.md}); without one, or on a table without a timeseries key, it is a
 * plain key lookup of the latest row per key.
 *
 * @param table the feature table's name
 * @param featureNames the features to take; empty takes every column that is not a primary key, the
 *     timeseries key or the ingestion-time column
 * @param lookupKeys spine columns matched to the table's entity keys (its primary keys without the
 *     timeseries key), in primary-key order, with the same types
 * @param timestampLookupKey the spine's event-time column ({@code TIMESTAMPTZ})
 * @param lookbackWindow ignore feature rows older than {@code t - window} (inclusive bound); zero
 *     means an exact time match; needs a timestamp lookup key and a time-series table
 * @param renameOutputs feature name → output column name
 * @param defaultValues feature name (before renaming) → value used when no row matches (a {@link
 *     Number}, {@link String} or {@link Boolean}, cast to the feature's type)
 */
public record FeatureLookup(
    String table,
    List<String> featureNames,
    List<String> lookupKeys,
    Optional<String> timestampLookupKey,
    Optional<Duration> lookbackWindow,
    Map<String, String> renameOutputs,
    Map<String, Object> defaultValues) {

  /** Copies the collections and checks the simple rules. */
  public FeatureLookup {
    if (table == null || table.isBlank()) {
      throw KeelException.invalid("table: a feature lookup needs a table");
    }
    featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
    lookupKeys = lookupKeys == null ? List.of() : List.copyOf(lookupKeys);
    if (lookupKeys.isEmpty()) {
      throw KeelException.invalid("lookup_key: the lookup into '" + table + "' needs lookup keys");
    }
    timestampLookupKey = timestampLookupKey == null ? Optional.empty() : timestampLookupKey;
    lookbackWindow = lookbackWindow == null ? Optional.empty() : lookbackWindow;
    if (lookbackWindow.isPresent() && lookbackWindow.get().isNegative()) {
      throw KeelException.invalid(
          "lookback_window: must not be negative (got " + lookbackWindow.get() + ")");
    }
    renameOutputs = renameOutputs == null ? Map.of() : Map.copyOf(renameOutputs);
    for (Map.Entry<String, Object> e :
        (defaultValues == null ? Map.<String, Object>of() : defaultValues).entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
        throw KeelException.invalid(
            "default_values."
                + e.getKey()
                + ": a default must be a number, string or boolean (got "
                + (v == null ? "null" : v.getClass().getSimpleName())
                + ")");
      }
    }
    defaultValues = defaultValues == null ? Map.of() : Map.copyOf(defaultValues);
  }

  /** A plain key lookup of all features of {@code table}. */
  public static FeatureLookup of(String table, List<String> lookupKeys) {
    return new FeatureLookup(
        table, List.of(), lookupKeys, Optional.empty(), Optional.empty(), Map.of(), Map.of());
  }

  /** A copy taking only {@code features}. */
  public FeatureLookup withFeatures(List<String> features) {
    return new FeatureLookup(
        table,
        features,
        lookupKeys,
        timestampLookupKey,
        lookbackWindow,
        renameOutputs,
        defaultValues);
  }

  /** A copy matching point-in-time on the spine column {@code spineTimeColumn}. */
  public FeatureLookup withTimestamp(String spineTimeColumn) {
    return new FeatureLookup(
        table,
        featureNames,
        lookupKeys,
        Optional.of(spineTimeColumn),
        lookbackWindow,
        renameOutputs,
        defaultValues);
  }

  /** A copy with a lookback window. */
  public FeatureLookup withLookback(Duration window) {
    return new FeatureLookup(
        table,
        featureNames,
        lookupKeys,
        timestampLookupKey,
        Optional.of(window),
        renameOutputs,
        defaultValues);
  }

  /** A copy with output renames (feature → output name). */
  public FeatureLookup withRenames(Map<String, String> renames) {
    return new FeatureLookup(
        table,
        featureNames,
        lookupKeys,
        timestampLookupKey,
        lookbackWindow,
        renames,
        defaultValues);
  }

  /** A copy with default values (feature → value when nothing matches). */
  public FeatureLookup withDefaults(Map<String, Object> defaults) {
    return new FeatureLookup(
        table,
        featureNames,
        lookupKeys,
        timestampLookupKey,
        lookbackWindow,
        renameOutputs,
        defaults);
  }

  /** The output name of {@code feature}. */
  public String outputName(String feature) {
    return renameOutputs.getOrDefault(feature, feature);
  }

  /** This lookup as JSON, in Databricks' {@code FeatureLookup} field names (snake_case). */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    return SpecJson.lookup(this);
  }

  /**
   * Reads a lookup from JSON ({@link #toJson()}'s shape; {@code lookup_key} may be one column,
   * {@code lookback_window} a number of seconds); errors name {@code field}.
   */
  public static FeatureLookup fromJson(com.fasterxml.jackson.databind.JsonNode json, String field) {
    return SpecJson.lookup(json, field);
  }
}
