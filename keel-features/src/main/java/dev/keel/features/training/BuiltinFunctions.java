package dev.keel.features.training;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The on-demand functions every Keel server offers, so training sets requested over REST can use
 * on-demand features without server-side code. All are pure; a {@code null} input gives {@code
 * null}, as does a division by zero.
 *
 * <ul>
 *   <li>{@code ratio(num, den)}, {@code difference(a, b)}, {@code sum(a, b)}, {@code product(a,
 *       b)}: DOUBLE
 *   <li>{@code log1p(x)}, {@code abs(x)}: DOUBLE
 *   <li>{@code seconds_between(start, end)}: DOUBLE, {@code end - start} in seconds
 *   <li>{@code hour_of_day(t)} (0–23, UTC) and {@code day_of_week(t)} (1 = Monday … 7): INTEGER
 * </ul>
 */
public final class BuiltinFunctions {
  private BuiltinFunctions() {}

  /** A registry holding the built-in functions (more may be registered on it). */
  public static OnDemandRegistry registry() {
    OnDemandRegistry r = new OnDemandRegistry();
    binary(r, "ratio", "num", "den", (a, b) -> b == 0 ? Double.NaN : a / b);
    binary(r, "difference", "a", "b", (a, b) -> a - b);
    binary(r, "sum", "a", "b", Double::sum);
    binary(r, "product", "a", "b", (a, b) -> a * b);
    unary(r, "log1p", Math::log1p);
    unary(r, "abs", Math::abs);
    r.register(
        "seconds_between",
        List.of("start", "end"),
        ColumnType.DOUBLE,
        in ->
            in.get(0) == null || in.get(1) == null
                ? null
                : Duration.between((Instant) in.get(0), (Instant) in.get(1)).toNanos() / 1e9);
    r.register(
        "hour_of_day",
        List.of("t"),
        ColumnType.INTEGER,
        in -> in.get(0) == null ? null : ((Instant) in.get(0)).atOffset(ZoneOffset.UTC).getHour());
    r.register(
        "day_of_week",
        List.of("t"),
        ColumnType.INTEGER,
        in ->
            in.get(0) == null
                ? null
                : ((Instant) in.get(0)).atOffset(ZoneOffset.UTC).getDayOfWeek().getValue());
    return r;
  }

  private static void binary(
      OnDemandRegistry r, String name, String a, String b, DoubleBinaryOperator op) {
    r.register(
        name,
        List.of(a, b),
        ColumnType.DOUBLE,
        in -> {
          if (in.get(0) == null || in.get(1) == null) {
            return null;
          }
          double v = op.applyAsDouble(number(in.get(0)), number(in.get(1)));
          return Double.isNaN(v) ? null : v;
        });
  }

  private static void unary(OnDemandRegistry r, String name, DoubleUnaryOperator op) {
    r.register(
        name,
        List.of("x"),
        ColumnType.DOUBLE,
        in -> in.get(0) == null ? null : op.applyAsDouble(number(in.get(0))));
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("expected a number, got " + o);
  }
}
