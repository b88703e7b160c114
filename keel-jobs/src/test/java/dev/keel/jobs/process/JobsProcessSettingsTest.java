package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobsProcessSettingsTest {
  @TempDir Path dir;

  @Test
  void defaults_run_python3_locally_without_spark() {
    KeelConfig cfg = KeelConfig.resolve(Map.of(), Map.of(), List.of(JobsProcessSettings.SECTION));

    ProcessTaskConfig c =
        ProcessTaskConfig.from(cfg, "jdbc:sqlite:" + dir.resolve("keel.db"), dir.resolve("wh"));

    assertThat(c.python()).isEqualTo("python3");
    assertThat(c.sparkMaster()).isEmpty();
    assertThat(c.sparkSubmit()).isEqualTo("spark-submit");
    assertThat(c.filesRoot()).isEqualTo(Path.of("").toAbsolutePath());
    assertThat(c.java()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
    assertThat(c.sparkCatalog())
        .containsEntry("spark.sql.catalog.keel.uri", "jdbc:sqlite:" + dir.resolve("keel.db"))
        .containsEntry("spark.sql.catalog.keel.warehouse", dir.resolve("wh").toString());
  }

  @Test
  void settings_come_from_the_environment_and_flags() {
    KeelConfig cfg =
        KeelConfig.resolve(
            Map.of("jobs.spark-master", "k8s://https://api.example:6443"),
            Map.of(
                "KEEL_JOBS_PYTHON", "/opt/py/bin/python", "KEEL_JOBS_FILES_ROOT", dir.toString()),
            List.of(JobsProcessSettings.SECTION));

    ProcessTaskConfig c = ProcessTaskConfig.from(cfg, "jdbc:postgresql://db/keel", dir);

    assertThat(c.python()).isEqualTo("/opt/py/bin/python");
    assertThat(c.filesRoot()).isEqualTo(dir);
    assertThat(c.sparkMaster()).isEqualTo(Optional.of("k8s://https://api.example:6443"));
    assertThat(c.sparkCatalog()).doesNotContainKey("spark.sql.catalog.keel.jdbc.busy_timeout");
  }

  @Test
  void a_spark_master_of_an_unknown_kind_is_refused_naming_the_setting() {
    for (String ok :
        List.of("local", "local[*]", "local[4]", "local[2,3]", "spark://h:7077", "yarn")) {
      assertThat(JobsProcessSettings.SPARK_MASTER.parse(ok, "test")).isEqualTo(ok);
    }
    assertThatThrownBy(() -> JobsProcessSettings.SPARK_MASTER.parse("local[0]", "--conf"))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith("jobs.spark-master (from --conf) is not valid: must be local,");
    assertThatThrownBy(() -> JobsProcessSettings.SPARK_MASTER.parse("http://x", "--conf"))
        .hasMessageContaining("jobs.spark-master");
    assertThatThrownBy(() -> JobsProcessSettings.PYTHON.parse(" ", "KEEL_JOBS_PYTHON"))
        .hasMessageStartingWith(
            "jobs.python (from KEEL_JOBS_PYTHON) is not valid: must not be empty");
  }
}
