package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonWheelTaskTypeTest {
  @TempDir Path dir;
  TestTaskContext ctx;
  PythonWheelTaskType type;

  @BeforeEach
  void setUp() throws IOException {
    ctx = new TestTaskContext(dir);
    type = new PythonWheelTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "my_pkg/__init__.py",
        "import sys\n"
            + "def fallback():\n"
            + "    print('fallback argv', sys.argv)\n"
            + "    return 4\n");
    files.put(
        "my_pkg/cli.py",
        "import os, sys\n"
            + "def main():\n"
            + "    print('main argv', sys.argv)\n"
            + "    print('task', os.environ['KEEL_TASK_KEY'])\n");
    files.put(
        "my_pkg-1.2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: my-pkg\nVersion: 1.2.0\n");
    files.put("my_pkg-1.2.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n");
    files.put(
        "my_pkg-1.2.0.dist-info/entry_points.txt",
        "[console_scripts]\nmy-train = my_pkg.cli:main\n\n[other]\nalt = my_pkg:fallback\n");
    wheel(dir.resolve("my_pkg-1.2.0-py3-none-any.whl"), files);
    ctx.libraries.add(Map.of("whl", "my_pkg-1.2.0-py3-none-any.whl"));
  }

  /** Writes a wheel: a zip of {@code files}. */
  static void wheel(Path to, Map<String, String> files) throws IOException {
    try (OutputStream out = Files.newOutputStream(to);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  String log() throws IOException {
    return Files.readString(ctx.logFile);
  }

  @Test
  void calls_the_console_script_entry_point_of_the_package_with_parameters() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "my-train");
    ctx.payload.put("parameters", List.of("--alpha", "0.5"));

    TaskResult result = type.run(ctx);

    assertThat(result.succeeded()).as(log()).isTrue();
    assertThat(log()).isEqualTo("main argv ['my-pkg', '--alpha', '0.5']\ntask train\n");
  }

  @Test
  void named_parameters_become_key_value_flags_after_the_pushed_down_job_parameters()
      throws Exception {
    Map<String, Object> named = new LinkedHashMap<>();
    named.put("data", "/tmp/in.json");
    named.put("name", "task one");
    ctx.payload.put("package_name", "my_pkg");
    ctx.payload.put("entry_point", "my-train");
    ctx.payload.put("named_parameters", named);
    ctx.jobParameters.put("env", "prod");
    ctx.jobParameters.put("name", "from the job");

    assertThat(type.run(ctx).succeeded()).isTrue();
    assertThat(log())
        .startsWith("main argv ['my_pkg', '--env=prod', '--name=task one', '--data=/tmp/in.json']");
  }

  @Test
  void job_parameters_are_not_pushed_to_positional_parameters() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "my-train");
    ctx.payload.put("parameters", List.of("a"));
    ctx.jobParameters.put("env", "prod");

    assertThat(type.run(ctx).succeeded()).isTrue();
    assertThat(log()).startsWith("main argv ['my-pkg', 'a']");
  }

  @Test
  void an_entry_point_of_another_group_is_found_after_console_scripts() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "alt");

    TaskResult result = type.run(ctx);

    assertThat(result.error()).isEqualTo("python3 exited with status 4");
    assertThat(log()).isEqualTo("fallback argv ['my-pkg']\n");
  }

  @Test
  void without_such_an_entry_point_the_package_function_is_called() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "fallback");
    ctx.payload.put("parameters", List.of("x"));

    TaskResult result = type.run(ctx);

    assertThat(result.error()).isEqualTo("python3 exited with status 4");
    assertThat(result.errorTrace()).isEqualTo("fallback argv ['my-pkg', 'x']");
  }

  @Test
  void a_missing_function_fails_with_pythons_error_in_the_trace() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "nothing_here");

    TaskResult result = type.run(ctx);

    assertThat(result.error()).isEqualTo("python3 exited with status 1");
    assertThat(result.errorTrace()).contains("AttributeError").contains("nothing_here");
  }

  @Test
  void a_spark_python_task_imports_its_wheel_libraries() throws Exception {
    Files.writeString(
        dir.resolve("use.py"),
        "from my_pkg import cli\nimport sys\nsys.argv = ['x']\ncli.main()\n");
    ctx.payload.put("python_file", "use.py");
    var python = new SparkPythonTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));

    assertThat(python.run(ctx).succeeded()).as(log()).isTrue();
    assertThat(log()).isEqualTo("main argv ['x']\ntask train\n");
  }

  @Test
  void a_missing_wheel_or_one_escaping_its_directory_fails_the_attempt() throws Exception {
    ctx.payload.put("package_name", "my-pkg");
    ctx.payload.put("entry_point", "my-train");
    ctx.libraries.set(0, Map.of("whl", "file:" + dir.resolve("absent.whl")));
    assertThat(type.run(ctx).error())
        .isEqualTo(
            "libraries[0].whl: " + dir.resolve("absent.whl") + " does not exist or is not a file");

    wheel(dir.resolve("evil.whl"), Map.of("../../escaped.py", "print(1)"));
    ctx.libraries.set(0, Map.of("whl", dir.resolve("evil.whl").toString()));
    assertThat(type.run(ctx).error()).contains("has an entry outside its directory");
    assertThat(dir.resolve("escaped.py")).doesNotExist();
  }

  @Test
  void bad_payloads_are_refused_naming_the_field() {
    String p = "tasks[0].python_wheel_task";
    assertThatThrownBy(() -> type.validate(Map.of("entry_point", "main"), p))
        .hasMessage(p + ".package_name: is required");
    assertThatThrownBy(() -> type.validate(Map.of("package_name", "pkg"), p))
        .hasMessage(p + ".entry_point: is required");
    assertThatThrownBy(
            () ->
                type.validate(
                    Map.of(
                        "package_name",
                        "pkg",
                        "entry_point",
                        "main",
                        "parameters",
                        List.of("a"),
                        "named_parameters",
                        Map.of("b", "c")),
                    p))
        .hasMessage(p + ".named_parameters: give parameters or named_parameters, not both");
    assertThatThrownBy(
            () ->
                type.validate(
                    Map.of(
                        "package_name",
                        "pkg",
                        "entry_point",
                        "main",
                        "named_parameters",
                        Map.of("b", 1)),
                    p))
        .hasMessage(p + ".named_parameters.b: must be a string");
    assertThatThrownBy(
            () -> type.validate(Map.of("package_name", "p k g", "entry_point", "main"), p))
        .hasMessage(p + ".package_name: not a Python distribution name");
    type.validate(Map.of("package_name", "my-pkg", "entry_point", "main"), p);
  }
}
