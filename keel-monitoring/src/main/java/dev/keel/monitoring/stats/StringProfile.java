package dev.keel.monitoring.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Profile statistics of one string column in one window. Lengths count Unicode code points
 * (Python's {@code len(s)}), not UTF-16 units.
 *
 * @param count the number of non-NULL values
 * @param numNulls the number of NULLs (given by the caller, who excluded them)
 * @param minLength the shortest length; 0 when there are no values
 * @param maxLength the longest length; 0 when there are no values
 * @param avgLength the mean length; NaN when there are no values
 * @param distinctCount the number of distinct values
 * @param frequentItems the {@code k} most frequent values with their counts, by count descending
 *     and, among equal counts, by value ascending in code point order (Python's {@code sorted(...,
 *     key=lambda e: (-e[1], e[0]))})
 */
public record StringProfile(
    long count,
    long numNulls,
    int minLength,
    int maxLength,
    double avgLength,
    long distinctCount,
    List<Item> frequentItems) {

  /**
   * A value and how often it occurs.
   *
   * @param item the value
   * @param count its number of occurrences
   */
  public record Item(String item, long count) {}

  /**
   * Profiles {@code values} (the non-NULL values) with {@code numNulls} NULLs, keeping the {@code
   * k} most frequent items.
   *
   * @throws IllegalArgumentException naming {@code values}, {@code numNulls} or {@code k} when
   *     null, holding a null, or negative
   */
  public static StringProfile of(String[] values, long numNulls, int k) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    if (numNulls < 0) {
      throw new IllegalArgumentException("numNulls must be >= 0, got " + numNulls);
    }
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    Map<String, long[]> counts = new HashMap<>();
    int min = Integer.MAX_VALUE;
    int max = 0;
    long totalLength = 0;
    for (String v : values) {
      if (v == null) {
        throw new IllegalArgumentException("values must not hold null (count NULLs in numNulls)");
      }
      int len = v.codePointCount(0, v.length());
      min = Math.min(min, len);
      max = Math.max(max, len);
      totalLength += len;
      counts.computeIfAbsent(v, s -> new long[1])[0]++;
    }
    List<Item> items = new ArrayList<>(counts.size());
    counts.forEach((s, c) -> items.add(new Item(s, c[0])));
    items.sort(
        (a, b) ->
            a.count() != b.count()
                ? Long.compare(b.count(), a.count())
                : compareCodePoints(a.item(), b.item()));
    int n = values.length;
    return new StringProfile(
        n,
        numNulls,
        n == 0 ? 0 : min,
        max,
        n == 0 ? Double.NaN : (double) totalLength / n,
        counts.size(),
        List.copyOf(items.subList(0, Math.min(k, items.size()))));
  }

  /**
   * Profiles the non-NULL values given as distinct value → count (as a {@code GROUP BY} gives
   * them); the same result as {@link #of} on the values repeated by their counts.
   *
   * @throws IllegalArgumentException naming {@code counts}, {@code numNulls} or {@code k} when
   *     null, holding a null key or a count below 1, or negative
   */
  public static StringProfile ofCounts(Map<String, Long> counts, long numNulls, int k) {
    if (counts == null) {
      throw new IllegalArgumentException("counts must not be null");
    }
    if (numNulls < 0) {
      throw new IllegalArgumentException("numNulls must be >= 0, got " + numNulls);
    }
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    long n = 0;
    long totalLength = 0;
    List<Item> items = new ArrayList<>(counts.size());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String v = e.getKey();
      Long c = e.getValue();
      if (v == null || c == null || c < 1) {
        throw new IllegalArgumentException("counts must map non-null values to counts >= 1");
      }
      int len = v.codePointCount(0, v.length());
      min = Math.min(min, len);
      max = Math.max(max, len);
      totalLength += len * c;
      n += c;
      items.add(new Item(v, c));
    }
    items.sort(
        (a, b) ->
            a.count() != b.count()
                ? Long.compare(b.count(), a.count())
                : compareCodePoints(a.item(), b.item()));
    return new StringProfile(
        n,
        numNulls,
        n == 0 ? 0 : min,
        max,
        n == 0 ? Double.NaN : (double) totalLength / n,
        counts.size(),
        List.copyOf(items.subList(0, Math.min(k, items.size()))));
  }

  /** Orders strings by Unicode code point (String.compareTo orders UTF-16 units). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
