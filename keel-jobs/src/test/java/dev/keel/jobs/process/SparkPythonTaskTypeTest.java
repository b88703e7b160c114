package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkPythonTaskTypeTest {
  @TempDir Path dir;
  TestTaskContext ctx;
  SparkPythonTaskType type;

  static ProcessTaskConfig config(Path root, Optional<String> master) {
    return new ProcessTaskConfig(
        "python3",
        root,
        ProcessTaskConfig.currentJava(),
        System.getProperty("java.class.path"),
        master,
        "/opt/spark/bin/spark-submit",
        ProcessTaskConfig.keelCatalog("jdbc:sqlite:/data/keel.db", Path.of("/data/warehouse")));
  }

  @BeforeEach
  void setUp() {
    ctx = new TestTaskContext(dir);
    type = new SparkPythonTaskType(config(dir, Optional.empty()));
  }

  Path script(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  String log() throws IOException {
    return Files.readString(ctx.logFile);
  }

  @Test
  void runs_the_file_with_parameters_as_argv_in_the_work_dir_with_keel_variables()
      throws Exception {
    script(
        "job.py",
        "import os, sys",
        "print('argv', sys.argv[1:])",
        "print('cwd', os.getcwd())",
        "for k in ['KEEL_HOST', 'KEEL_URL', 'KEEL_TOKEN', 'MLFLOW_TRACKING_URI',",
        "          'MLFLOW_TRACKING_TOKEN', 'DATABRICKS_HOST', 'DATABRICKS_TOKEN', 'KEEL_JOB_ID',",
        "          'KEEL_JOB_RUN_ID', 'KEEL_TASK_RUN_ID', 'KEEL_TASK_KEY']:",
        "    print(k, os.environ.get(k))",
        "import keel_jobs",
        "print('helper', keel_jobs.__file__.startswith(os.getcwd()))");
    ctx.payload.put("python_file", "job.py"); // relative to jobs.files-root
    ctx.payload.put("parameters", List.of("--epochs", "3", "a b"));
    ctx.token = Optional.of("tok-123");
    ctx.host = "http://127.0.0.1:8123";

    TaskResult result = type.run(ctx);

    assertThat(result.succeeded()).as(log()).isTrue();
    String log = log();
    assertThat(log).contains("argv ['--epochs', '3', 'a b']");
    assertThat(log).contains("cwd " + ctx.workDir.toRealPath());
    assertThat(log)
        .contains("KEEL_HOST http://127.0.0.1:8123", "KEEL_URL http://127.0.0.1:8123")
        .contains("MLFLOW_TRACKING_URI http://127.0.0.1:8123")
        .contains("DATABRICKS_HOST http://127.0.0.1:8123")
        .contains("KEEL_TOKEN tok-123", "MLFLOW_TRACKING_TOKEN tok-123", "DATABRICKS_TOKEN tok-123")
        .contains("KEEL_JOB_ID 11", "KEEL_JOB_RUN_ID 22", "KEEL_TASK_RUN_ID 33")
        .contains("KEEL_TASK_KEY train")
        .contains("helper True");
  }

  @Test
  void without_a_token_no_token_variable_is_set() throws Exception {
    script("job.py", "import os", "print('token', os.environ.get('KEEL_TOKEN'))");
    ctx.payload.put("python_file", dir.resolve("job.py").toUri().toString()); // file: URI

    assertThat(type.run(ctx).succeeded()).isTrue();
    assertThat(log()).contains("token None");
  }

  @Test
  void a_non_zero_exit_fails_with_the_status_and_the_last_fifty_lines_of_output() throws Exception {
    Files.createDirectories(ctx.logFile.getParent());
    Files.writeString(ctx.logFile, "earlier attempt output\n");
    script(
        "fail.py",
        "import sys",
        "for i in range(200):",
        "    print('out', i)",
        "print('boom on stderr', file=sys.stderr)",
        "sys.exit(3)");
    ctx.payload.put("python_file", dir.resolve("fail.py").toString());

    TaskResult result = type.run(ctx);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("python3 exited with status 3");
    List<String> trace = result.errorTrace().lines().toList();
    assertThat(trace).hasSize(50);
    assertThat(trace.getFirst()).isEqualTo("out 151");
    assertThat(trace.getLast()).isEqualTo("boom on stderr");
    assertThat(log()).startsWith("earlier attempt output\nout 0\n").contains("out 199\nboom");
  }

  @Test
  void the_job_environment_chooses_the_interpreter() throws Exception {
    Path wrapper = dir.resolve("my-python");
    Files.writeString(wrapper, "#!/bin/sh\necho wrapped-interpreter\nexec python3 \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    script("job.py", "print('ran')");
    ctx.payload.put("python_file", "job.py");
    ctx.environment.put("keel_python", wrapper.toString());

    TaskResult result = type.run(ctx);

    assertThat(result.succeeded()).isTrue();
    assertThat(log()).isEqualTo("wrapped-interpreter\nran\n");
  }

  @Test
  void a_missing_interpreter_or_file_fails_the_attempt_with_the_reason() throws Exception {
    ctx.payload.put("python_file", "absent.py");
    TaskResult missingFile = type.run(ctx);
    assertThat(missingFile.error())
        .isEqualTo(
            "spark_python_task.python_file: "
                + dir.resolve("absent.py")
                + " does not exist or is not a file");

    script("job.py", "print('x')");
    ctx.payload.put("python_file", "job.py");
    ctx.environment.put("keel_python", "/no/such/python");
    TaskResult missingPython = type.run(ctx);
    assertThat(missingPython.error()).startsWith("cannot start python: ");
    assertThat(log()).contains("keel: cannot start python: ");
  }

  @Test
  void through_spark_submit_when_a_master_is_configured() throws Exception {
    Path file = script("etl.py", "print(1)");
    Path jar = Files.writeString(dir.resolve("udfs.jar"), "not really a jar");
    ctx.payload.put("python_file", "etl.py");
    ctx.payload.put("parameters", List.of("--date", "2026-12-07"));
    ctx.libraries.add(Map.of("jar", jar.toString()));
    var spark = new SparkPythonTaskType(config(dir, Optional.of("spark://m:7077")));

    ProcessTaskType.Launch launch = spark.launch(ctx);

    assertThat(launch.what()).isEqualTo("spark-submit");
    assertThat(launch.command())
        .containsExactly(
            "/opt/spark/bin/spark-submit",
            "--master",
            "spark://m:7077",
            "--name",
            "keel-job-11-run-33-train",
            "--conf",
            "spark.sql.catalog.keel=org.apache.iceberg.spark.SparkCatalog",
            "--conf",
            "spark.sql.catalog.keel.jdbc.busy_timeout=60000",
            "--conf",
            "spark.sql.catalog.keel.jdbc.schema-version=V1",
            "--conf",
            "spark.sql.catalog.keel.type=jdbc",
            "--conf",
            "spark.sql.catalog.keel.uri=jdbc:sqlite:/data/keel.db",
            "--conf",
            "spark.sql.catalog.keel.warehouse=/data/warehouse",
            "--conf",
            "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
            "--conf",
            "spark.pyspark.python=python3",
            "--conf",
            "spark.pyspark.driver.python=python3",
            "--jars",
            jar.toString(),
            file.toString(),
            "--date",
            "2026-12-07");
    assertThat(launch.env().get("PYTHONPATH"))
        .startsWith(ctx.workDir.resolve(".keel/python").toString());
  }

  @Test
  void bad_payloads_are_refused_naming_the_field() {
    String p = "tasks[2].spark_python_task";
    assertThatThrownBy(() -> type.validate(Map.of(), p))
        .isInstanceOf(KeelException.class)
        .hasMessage(p + ".python_file: is required");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "dbfs:/x/job.py"), p))
        .hasMessageStartingWith(p + ".python_file: dbfs: paths are not supported");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "/Workspace/Users/a/job.py"), p))
        .hasMessageStartingWith(p + ".python_file: workspace paths are not supported");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "s3://bucket/job.py"), p))
        .hasMessageStartingWith(p + ".python_file: s3: URIs are not supported");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "file://otherhost/job.py"), p))
        .hasMessageStartingWith(p + ".python_file: a file: URI must be local");
    assertThatThrownBy(
            () -> type.validate(Map.of("python_file", "job.py", "parameters", List.of("a", 3)), p))
        .hasMessage(p + ".parameters[1]: must be a string");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "job.py", "source", "GIT"), p))
        .hasMessageStartingWith(p + ".source: GIT is not supported");
    assertThatThrownBy(() -> type.validate(Map.of("python_file", "job.py", "pyfile", "x"), p))
        .hasMessageStartingWith(p + ".pyfile: unknown field");
    type.validate(
        Map.of("python_file", "/abs/job.py", "parameters", List.of("x"), "source", "WORKSPACE"), p);
  }

  @Test
  void unsupported_libraries_fail_the_attempt_saying_keel_installs_nothing() throws Exception {
    script("job.py", "print(1)");
    ctx.payload.put("python_file", "job.py");
    ctx.libraries = new ArrayList<>(List.of(Map.of("pypi", Map.of("package", "pandas"))));

    TaskResult result = type.run(ctx);

    assertThat(result.error())
        .isEqualTo(
            "libraries[0].pypi: Keel does not install packages; give local files as"
                + " {\"whl\": path} or {\"jar\": path}");
  }
}
