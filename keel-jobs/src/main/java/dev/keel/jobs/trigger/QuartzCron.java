package dev.keel.jobs.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Quartz cron expression (seconds, minutes, hours, day-of-month, month, day-of-week, optional
 * year; {@code ?}, {@code L}, {@code W}, {@code #}) evaluated in a time zone, parsed with
 * cron-utils' Quartz definition.
 *
 * <p>Fire times are wall-clock times of the zone. Around daylight saving time it does what Quartz's
 * {@code CronTrigger} does and what Databricks documents for its schedules: a wall-clock time that
 * does not exist on the day the clocks spring forward (02:30 in Europe/Amsterdam on the last Sunday
 * of March) is skipped that day, not moved; a wall-clock time that occurs twice when the clocks
 * fall back fires once, at its first occurrence. Immutable and thread-safe.
 */
public final class QuartzCron {
  /** The field names of a Quartz expression, in order (the year is optional). */
  static final List<String> FIELDS =
      List.of("seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year");

  private static final CronDefinition QUARTZ =
      CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ);
  private static final CronParser PARSER = new CronParser(QUARTZ);

  /** A generous bound on consecutive skipped wall-clock times (gaps, repeated hours). */
  private static final int MAX_SKIPS = 10_000;

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallClock;

  private QuartzCron(String expression, ZoneId zone, ExecutionTime wallClock) {
    this.expression = expression;
    this.zone = zone;
    this.wallClock = wallClock;
  }

  /**
   * Parses {@code expression} for evaluation in {@code zone}.
   *
   * @throws IllegalArgumentException saying which field, at which character position, is wrong
   */
  public static QuartzCron parse(String expression, ZoneId zone) {
    return new QuartzCron(expression, zone, ExecutionTime.forCron(check(expression)));
  }

  /** The expression as given. */
  public String expression() {
    return expression;
  }

  /** The zone its wall-clock times are in. */
  public ZoneId zone() {
    return zone;
  }

  /** The first fire time strictly after {@code after}; empty when the expression never fires. */
  public Optional<Instant> nextAfter(Instant after) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    for (int i = 0; i < MAX_SKIPS; i++) {
      Optional<ZonedDateTime> next = wallClock.nextExecution(local.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) {
        return Optional.empty();
      }
      local = next.get().toLocalDateTime();
      if (zone.getRules().getValidOffsets(local).isEmpty()) {
        continue; // in the spring-forward gap: this wall-clock time does not exist today
      }
      // In a fall-back overlap ofLocal takes the earlier offset: the first occurrence.
      Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
      if (at.isAfter(after)) {
        return Optional.of(at);
      }
      // A repeated wall-clock time whose first occurrence is already past: fired once.
    }
    return Optional.empty();
  }

  /**
   * The latest fire time in {@code (after, upTo]}, if any: what one catch-up run after downtime
   * stands for (missed fire times run once, not once each).
   */
  public Optional<Instant> latestIn(Instant after, Instant upTo) {
    LocalDateTime local = LocalDateTime.ofInstant(upTo, zone).withNano(0).plusSeconds(1);
    for (int i = 0; i < MAX_SKIPS; i++) {
      Optional<ZonedDateTime> prev = wallClock.lastExecution(local.atZone(ZoneOffset.UTC));
      if (prev.isEmpty()) {
        return Optional.empty();
      }
      local = prev.get().toLocalDateTime();
      if (zone.getRules().getValidOffsets(local).isEmpty()) {
        continue; // skipped that day: it did not exist
      }
      Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
      if (at.isAfter(upTo)) {
        continue;
      }
      return at.isAfter(after) ? Optional.of(at) : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Checks a Quartz expression; the exception's message says where it is wrong (field name, its
   * position among the fields and its first character's position in the expression).
   */
  static com.cronutils.model.Cron check(String expression) {
    String trimmed = expression.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(
          "is empty; expected a Quartz expression such as '0 0 9 * * ?'");
    }
    String[] fields = trimmed.split("\\s+");
    if (fields.length < 6 || fields.length > 7) {
      throw new IllegalArgumentException(
          "has "
              + fields.length
              + " fields; a Quartz expression has 6 or 7: seconds minutes hours day-of-month month"
              + " day-of-week [year], e.g. '0 0 9 * * ?'");
    }
    List<Integer> starts = fieldStarts(expression, fields);
    for (int i = 0; i < fields.length; i++) {
      try {
        PARSER.parse(alone(fields, i)).validate();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where(fields, starts, i) + ": " + reason(e), e);
      }
    }
    try {
      return PARSER.parse(String.join(" ", fields)).validate();
    } catch (IllegalArgumentException e) {
      // Every field is fine alone: the combination is wrong (Quartz wants '?' in exactly one of
      // day-of-month and day-of-week).
      throw new IllegalArgumentException(
          where(fields, starts, 3)
              + " and "
              + where(fields, starts, 5)
              + ": "
              + reason(e)
              + " (one of the two must be '?')",
          e);
    }
  }

  /**
   * An expression that keeps field {@code i} and is neutral elsewhere; day-of-month and day-of-week
   * get the '?' that Quartz wants in the one not being checked.
   */
  private static String alone(String[] fields, int i) {
    String[] probe = {"0", "0", "0", "?", "*", "*"};
    if (i == 6) {
      return String.join(" ", probe) + " " + fields[i];
    }
    probe[i] = fields[i];
    if (i == 3 && !fields[i].equals("?")) {
      probe[5] = "?";
    } else if (i == 5 && fields[i].equals("?")) {
      probe[3] = "*";
    }
    return String.join(" ", probe);
  }

  private static List<Integer> fieldStarts(String expression, String[] fields) {
    List<Integer> starts = new ArrayList<>();
    int from = 0;
    for (String f : fields) {
      int at = expression.indexOf(f, from);
      starts.add(at);
      from = at + f.length();
    }
    return starts;
  }

  private static String where(String[] fields, List<Integer> starts, int i) {
    return "field "
        + (i + 1)
        + " ("
        + FIELDS.get(i)
        + ") '"
        + fields[i]
        + "' at position "
        + (starts.get(i) + 1);
  }

  private static String reason(IllegalArgumentException e) {
    String m = e.getMessage() == null ? "invalid" : e.getMessage();
    int colon = m.indexOf(". ");
    // cron-utils writes "Failed to parse '<expr>'. <reason>": keep the reason.
    return m.startsWith("Failed to parse") && colon > 0 ? m.substring(colon + 2) : m;
  }
}
