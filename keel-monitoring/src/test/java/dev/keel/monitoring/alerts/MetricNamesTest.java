package dev.keel.monitoring.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.engine.MetricsSchema;
import dev.keel.monitoring.quality.MetricColumn;
import dev.keel.monitoring.quality.QualityMetrics;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An alert may name only metrics the output tables have (the lists are kept in two places). */
class MetricNamesTest {
  @Test
  void every_alert_metric_is_a_column_of_its_output_table() {
    Set<String> profile = new HashSet<>();
    MetricsSchema.PROFILE.forEach(f -> profile.add(f.name()));
    for (ProfileType.ProblemType t : ProfileType.ProblemType.values()) {
      QualityMetrics.columns(t).stream().map(MetricColumn::name).forEach(profile::add);
    }
    Set<String> drift = new HashSet<>();
    MetricsSchema.DRIFT.forEach(f -> drift.add(f.name()));
    assertThat(MetricNames.PROFILE)
        .allSatisfy(m -> assertThat(profile).contains(m.replaceFirst("\\..*", "")));
    assertThat(MetricNames.DRIFT)
        .allSatisfy(m -> assertThat(drift).contains(m.replaceFirst("\\..*", "")));
  }
}
