package dev.keel.jobs.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuartzCronTest {
  private static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");
  private static final ZoneId NY = ZoneId.of("America/New_York");

  private static Instant at(String zoned) {
    return ZonedDateTime.parse(zoned).toInstant();
  }

  private static List<Instant> fires(QuartzCron c, Instant from, int n) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < n; i++) {
      t = c.nextAfter(t).orElseThrow();
      out.add(t);
    }
    return out;
  }

  @Test
  void daily_nine_oclock_fires_at_nine_local_time_across_a_dst_change() {
    QuartzCron c = QuartzCron.parse("0 0 9 * * ?", AMS);
    assertThat(fires(c, at("2026-03-28T10:00+01:00[Europe/Amsterdam]"), 2))
        .containsExactly(
            at("2026-03-29T09:00+02:00[Europe/Amsterdam]"),
            at("2026-03-30T09:00+02:00[Europe/Amsterdam]"));
  }

  @Test
  void a_time_inside_the_spring_forward_gap_is_skipped_that_day_in_amsterdam() {
    // 2026-03-29: clocks go from 02:00 to 03:00 in Europe/Amsterdam; 02:30 does not exist.
    QuartzCron c = QuartzCron.parse("0 30 2 * * ?", AMS);
    assertThat(fires(c, at("2026-03-28T03:00+01:00[Europe/Amsterdam]"), 2))
        .containsExactly(
            at("2026-03-30T02:30+02:00[Europe/Amsterdam]"),
            at("2026-03-31T02:30+02:00[Europe/Amsterdam]"));
  }

  @Test
  void a_time_inside_the_spring_forward_gap_is_skipped_that_day_in_new_york() {
    // 2026-03-08: clocks go from 02:00 to 03:00 in America/New_York.
    QuartzCron c = QuartzCron.parse("0 30 2 * * ?", NY);
    assertThat(fires(c, at("2026-03-07T12:00-05:00[America/New_York]"), 2))
        .containsExactly(
            at("2026-03-09T02:30-04:00[America/New_York]"),
            at("2026-03-10T02:30-04:00[America/New_York]"));
  }

  @Test
  void a_time_in_the_repeated_fall_back_hour_fires_once_in_amsterdam() {
    // 2026-10-25: clocks go from 03:00 back to 02:00 in Europe/Amsterdam; 02:30 happens twice.
    QuartzCron c = QuartzCron.parse("0 30 2 * * ?", AMS);
    assertThat(fires(c, at("2026-10-24T12:00+02:00[Europe/Amsterdam]"), 2))
        .containsExactly(
            at("2026-10-25T02:30+02:00[Europe/Amsterdam]"),
            at("2026-10-26T02:30+01:00[Europe/Amsterdam]"));
  }

  @Test
  void every_fifteen_minutes_does_not_repeat_the_fall_back_hour_in_new_york() {
    // 2026-11-01: 01:00-01:59 happens twice in America/New_York.
    QuartzCron c = QuartzCron.parse("0 0/15 * * * ?", NY);
    List<Instant> f = fires(c, at("2026-11-01T00:50-04:00[America/New_York]"), 6);
    assertThat(f)
        .containsExactly(
            at("2026-11-01T01:00-04:00[America/New_York]"),
            at("2026-11-01T01:15-04:00[America/New_York]"),
            at("2026-11-01T01:30-04:00[America/New_York]"),
            at("2026-11-01T01:45-04:00[America/New_York]"),
            at("2026-11-01T02:00-05:00[America/New_York]"),
            at("2026-11-01T02:15-05:00[America/New_York]"));
  }

  @Test
  void evaluation_that_starts_inside_the_second_pass_of_a_repeated_hour_does_not_go_back() {
    QuartzCron c = QuartzCron.parse("0 45 1 * * ?", NY);
    // 01:30 EST is the second 01:30 of 2026-11-01; 01:45 EDT (first pass) is already past.
    assertThat(c.nextAfter(at("2026-11-01T01:30-05:00")))
        .contains(at("2026-11-02T01:45-05:00[America/New_York]"));
  }

  @Test
  void latest_missed_fire_time_stands_for_all_missed_ones() {
    QuartzCron c = QuartzCron.parse("0 0 * * * ?", ZoneId.of("UTC"));
    assertThat(c.latestIn(at("2026-01-01T00:00Z"), at("2026-01-01T05:30Z")))
        .contains(at("2026-01-01T05:00Z"));
    assertThat(c.latestIn(at("2026-01-01T05:00Z"), at("2026-01-01T05:30Z"))).isEmpty();
    assertThat(c.latestIn(at("2026-01-01T04:59:59Z"), at("2026-01-01T05:00Z")))
        .contains(at("2026-01-01T05:00Z"));
  }

  @Test
  void latest_missed_fire_time_skips_a_spring_forward_gap() {
    QuartzCron c = QuartzCron.parse("0 30 2 * * ?", AMS);
    assertThat(
            c.latestIn(
                at("2026-03-28T12:00+01:00[Europe/Amsterdam]"),
                at("2026-03-29T12:00+02:00[Europe/Amsterdam]")))
        .isEmpty();
  }

  @Test
  void a_bad_field_is_named_with_its_position() {
    assertThatThrownBy(() -> QuartzCron.check("0 0 25 * * ?"))
        .hasMessageContaining("field 3 (hours) '25' at position 5");
    assertThatThrownBy(() -> QuartzCron.check("0 61 9 * * ?"))
        .hasMessageContaining("field 2 (minutes) '61' at position 3");
    assertThatThrownBy(() -> QuartzCron.check("0 0 9 * FOO ?"))
        .hasMessageContaining("field 5 (month) 'FOO' at position 9");
  }

  @Test
  void the_wrong_number_of_fields_is_said() {
    assertThatThrownBy(() -> QuartzCron.check("0 9 * * *")).hasMessageContaining("has 5 fields");
  }

  @Test
  void both_day_fields_set_names_both() {
    assertThatThrownBy(() -> QuartzCron.check("0 0 9 1 * MON"))
        .hasMessageContaining("field 4 (day-of-month) '1' at position 7")
        .hasMessageContaining("field 6 (day-of-week) 'MON' at position 11");
  }

  @Test
  void quartz_specials_parse() {
    QuartzCron.check("0 0 12 ? * MON-FRI");
    QuartzCron.check("0 15 10 L * ?");
    QuartzCron.check("0 15 10 ? * 6#3");
    QuartzCron.check("0 0 9 * * ? 2030");
  }
}
