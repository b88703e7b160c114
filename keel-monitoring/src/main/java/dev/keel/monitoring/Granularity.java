package dev.keel.monitoring;

import dev.keel.core.KeelException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A window length, as Databricks writes it: {@code 5 minutes}, {@code 30 minutes}, {@code 1 hour},
 * {@code 1 day}, {@code <n> week(s)} (n = 1…4), {@code 1 month}, {@code 1 year}. Windows are
 * half-open {@code [start, end)} in UTC. Fixed-length windows (minutes to weeks) are aligned to the
 * Unix epoch, as Spark's {@code window()} aligns them (so weeks start on Thursday 00:00 UTC);
 * months and years start on the first day of the calendar month or year, 00:00 UTC. A row exactly
 * on a boundary belongs to the window that starts there.
 *
 * @param text the canonical text, e.g. {@code 1 day}
 * @param fixed the window length for fixed windows; {@link Duration#ZERO} for months and years
 * @param months 1 for a month, 12 for a year, 0 for fixed windows
 */
public record Granularity(String text, Duration fixed, int months) {
  private static final Pattern TEXT = Pattern.compile("\\s*(\\d+)\\s+([a-z]+?)s?\\s*");

  public Granularity {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fixed, "fixed");
  }

  /**
   * Parses Databricks' text; 400 naming {@code field} for anything else.
   *
   * @throws KeelException INVALID_ARGUMENT listing the supported granularities
   */
  public static Granularity parse(String field, String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2);
      Granularity g =
          switch (unit) {
            case "minute" ->
                n == 5 || n == 30 ? fixed(n + " minutes", Duration.ofMinutes(n)) : null;
            case "hour" -> n == 1 ? fixed("1 hour", Duration.ofHours(1)) : null;
            case "day" -> n == 1 ? fixed("1 day", Duration.ofDays(1)) : null;
            case "week" ->
                n >= 1 && n <= 4
                    ? fixed(n + (n == 1 ? " week" : " weeks"), Duration.ofDays(7 * n))
                    : null;
            case "month" -> n == 1 ? new Granularity("1 month", Duration.ZERO, 1) : null;
            case "year" -> n == 1 ? new Granularity("1 year", Duration.ZERO, 12) : null;
            default -> null;
          };
      if (g != null) {
        return g;
      }
    }
    throw KeelException.invalid(
        field
            + ": unknown granularity '"
            + text
            + "'; use one of 5 minutes, 30 minutes, 1 hour, 1 day, 1 week, 2 weeks, 3 weeks,"
            + " 4 weeks, 1 month, 1 year");
  }

  private static Granularity fixed(String text, Duration d) {
    return new Granularity(text, d, 0);
  }

  /** The start of the window holding {@code t}. */
  public Instant windowStart(Instant t) {
    if (months == 0) {
      long len = fixed.getSeconds();
      long s = Math.floorDiv(t.getEpochSecond(), len) * len;
      return Instant.ofEpochSecond(s);
    }
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    LocalDate first =
        months == 12 ? LocalDate.of(z.getYear(), 1, 1) : LocalDate.of(z.getYear(), z.getMonth(), 1);
    return first.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The end (exclusive) of the window that starts at {@code start}. */
  public Instant windowEnd(Instant start) {
    if (months == 0) {
      return start.plus(fixed);
    }
    return start.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
  }

  @Override
  public String toString() {
    return text;
  }
}
