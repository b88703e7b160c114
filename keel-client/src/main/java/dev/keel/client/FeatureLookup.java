package dev.keel.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Features to join onto a spine, in Databricks' {@code FeatureLookup} terms.
 *
 * <pre>{@code
 * FeatureLookup.of("main.default.drivers", "driver_id", "conv_rate", "city")
 *     .withTimestampLookupKey("at").withLookbackWindow(Duration.ofDays(7));
 * }</pre>
 *
 * @param tableName the feature table
 * @param featureNames the features to join; empty for all
 * @param lookupKey the spine columns matching the table's entity keys, in key order
 * @param timestampLookupKey the spine's time column for a point-in-time join
 * @param lookbackWindow ignore feature rows older than this before the spine time
 * @param renameOutputs feature → output column name
 * @param defaultValues feature → value when there is no match
 */
public record FeatureLookup(
    String tableName,
    List<String> featureNames,
    List<String> lookupKey,
    Optional<String> timestampLookupKey,
    Optional<Duration> lookbackWindow,
    Map<String, String> renameOutputs,
    Map<String, Object> defaultValues) {
  public FeatureLookup {
    Objects.requireNonNull(tableName, "tableName");
    featureNames = List.copyOf(featureNames);
    lookupKey = List.copyOf(lookupKey);
    Objects.requireNonNull(timestampLookupKey, "timestampLookupKey");
    Objects.requireNonNull(lookbackWindow, "lookbackWindow");
    renameOutputs = Map.copyOf(renameOutputs);
    defaultValues = Collections.unmodifiableMap(new LinkedHashMap<>(defaultValues));
  }

  /** Features of {@code table} looked up by one key column. */
  public static FeatureLookup of(String table, String lookupKey, String... features) {
    return new FeatureLookup(
        table,
        List.of(features),
        List.of(lookupKey),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Map.of());
  }

  /** With these lookup key columns (for composite keys). */
  public FeatureLookup withLookupKey(String... keys) {
    return new FeatureLookup(
        tableName,
        featureNames,
        List.of(keys),
        timestampLookupKey,
        lookbackWindow,
        renameOutputs,
        defaultValues);
  }

  /** Joined point-in-time on this spine column. */
  public FeatureLookup withTimestampLookupKey(String column) {
    return new FeatureLookup(
        tableName,
        featureNames,
        lookupKey,
        Optional.of(column),
        lookbackWindow,
        renameOutputs,
        defaultValues);
  }

  /** With a lookback window. */
  public FeatureLookup withLookbackWindow(Duration window) {
    return new FeatureLookup(
        tableName,
        featureNames,
        lookupKey,
        timestampLookupKey,
        Optional.of(window),
        renameOutputs,
        defaultValues);
  }

  /** With a feature renamed in the output. */
  public FeatureLookup withRename(String feature, String output) {
    Map<String, String> r = new LinkedHashMap<>(renameOutputs);
    r.put(feature, output);
    return new FeatureLookup(
        tableName, featureNames, lookupKey, timestampLookupKey, lookbackWindow, r, defaultValues);
  }

  /** With a default for a feature when nothing matches. */
  public FeatureLookup withDefault(String feature, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(defaultValues);
    d.put(feature, value);
    return new FeatureLookup(
        tableName, featureNames, lookupKey, timestampLookupKey, lookbackWindow, renameOutputs, d);
  }
}
