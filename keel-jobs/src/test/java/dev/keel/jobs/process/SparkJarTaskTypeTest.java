package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkJarTaskTypeTest {
  @TempDir Path dir;
  TestTaskContext ctx;
  Path appJar;
  Path libJar;

  @BeforeEach
  void setUp() throws IOException {
    ctx = new TestTaskContext(dir);
    Path src = Files.createDirectories(dir.resolve("src/demo"));
    Files.writeString(
        src.resolve("App.java"),
        "package demo;\n"
            + "public class App {\n"
            + "  public static void main(String[] a) {\n"
            + "    System.out.println(Lib.greet() + \" \" + String.join(\",\", a));\n"
            + "    System.out.println(\"run \" + System.getenv(\"KEEL_TASK_RUN_ID\"));\n"
            + "    System.out.println(\"cwd \" + System.getProperty(\"user.dir\"));\n"
            + "    if (a.length > 0 && a[0].equals(\"fail\")) System.exit(7);\n"
            + "  }\n"
            + "}\n");
    Files.writeString(
        src.resolve("Lib.java"),
        "package demo;\npublic class Lib { static String greet() { return \"hello\"; } }\n");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                src.resolve("App.java").toString(),
                src.resolve("Lib.java").toString());
    assertThat(rc).isZero();
    appJar = jar(dir.resolve("app.jar"), classes, "demo/App.class");
    libJar = jar(dir.resolve("lib.jar"), classes, "demo/Lib.class");
  }

  static Path jar(Path to, Path classes, String entry) throws IOException {
    try (OutputStream out = Files.newOutputStream(to);
        JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry(entry));
      jar.write(Files.readAllBytes(classes.resolve(entry)));
      jar.closeEntry();
    }
    return to;
  }

  @Test
  void runs_the_main_class_on_a_jvm_with_the_jar_and_jar_libraries() throws Exception {
    ctx.payload.put("main_class_name", "demo.App");
    ctx.payload.put("jar_uri", "app.jar");
    ctx.payload.put("parameters", List.of("a", "b c"));
    ctx.libraries.add(Map.of("jar", libJar.toUri().toString()));
    var type = new SparkJarTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));

    TaskResult result = type.run(ctx);

    assertThat(result.succeeded()).isTrue();
    assertThat(Files.readString(ctx.logFile))
        .isEqualTo("hello a,b c\nrun 33\ncwd " + ctx.workDir + "\n");
  }

  @Test
  void a_failing_main_fails_with_its_exit_status() throws Exception {
    ctx.payload.put("main_class_name", "demo.App");
    ctx.payload.put("parameters", List.of("fail"));
    ctx.libraries.add(Map.of("jar", appJar.toString()));
    ctx.libraries.add(Map.of("jar", libJar.toString()));
    var type = new SparkJarTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));

    TaskResult result = type.run(ctx);

    assertThat(result.error()).isEqualTo("java exited with status 7");
    assertThat(result.errorTrace()).startsWith("hello fail");
  }

  @Test
  void with_a_spark_master_it_goes_through_spark_submit() throws Exception {
    Path submit = dir.resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwx------"));
    ProcessTaskConfig base = SparkPythonTaskTypeTest.config(dir, Optional.of("local[*]"));
    ProcessTaskConfig config =
        new ProcessTaskConfig(
            base.python(),
            base.filesRoot(),
            base.java(),
            base.keelClassPath(),
            base.sparkMaster(),
            submit.toString(),
            ProcessTaskConfig.keelCatalog(
                "jdbc:postgresql://db:5432/keel", Path.of("/data/warehouse")));
    ctx.payload.put("main_class_name", "demo.App");
    ctx.payload.put("parameters", List.of("x y"));
    ctx.libraries.add(Map.of("jar", appJar.toString()));
    ctx.libraries.add(Map.of("jar", libJar.toString()));

    TaskResult result = new SparkJarTaskType(config).run(ctx);

    assertThat(result.succeeded()).isTrue();
    List<String> argv =
        Files.readString(ctx.logFile).lines().map(l -> l.substring(1, l.length() - 1)).toList();
    assertThat(argv)
        .containsExactly(
            "--master",
            "local[*]",
            "--name",
            "keel-job-11-run-33-train",
            "--conf",
            "spark.sql.catalog.keel=org.apache.iceberg.spark.SparkCatalog",
            "--conf",
            "spark.sql.catalog.keel.jdbc.schema-version=V1",
            "--conf",
            "spark.sql.catalog.keel.type=jdbc",
            "--conf",
            "spark.sql.catalog.keel.uri=jdbc:postgresql://db:5432/keel",
            "--conf",
            "spark.sql.catalog.keel.warehouse=/data/warehouse",
            "--conf",
            "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
            "--class",
            "demo.App",
            "--jars",
            libJar.toString(),
            appJar.toString(),
            "x y");
  }

  @Test
  void without_a_jar_or_with_a_maven_library_the_attempt_fails_with_the_reason() throws Exception {
    var type = new SparkJarTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));
    ctx.payload.put("main_class_name", "demo.App");
    assertThat(type.run(ctx).error())
        .isEqualTo(
            "spark_jar_task: no jar to run: set jar_uri or give libraries [{\"jar\": path}]");

    ctx.libraries.add(Map.of("maven", Map.of("coordinates", "org.example:x:1.0")));
    assertThat(type.run(ctx).error())
        .startsWith("libraries[0].maven: Keel does not install packages");
  }

  @Test
  void bad_payloads_are_refused_naming_the_field() {
    var type = new SparkJarTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));
    String p = "tasks[3].spark_jar_task";
    assertThatThrownBy(() -> type.validate(Map.of(), p))
        .hasMessage(p + ".main_class_name: is required");
    assertThatThrownBy(() -> type.validate(Map.of("main_class_name", "demo App"), p))
        .hasMessage(p + ".main_class_name: not a Java class name");
    assertThatThrownBy(
            () -> type.validate(Map.of("main_class_name", "demo.App", "jar_uri", "dbfs:/a.jar"), p))
        .hasMessageStartingWith(p + ".jar_uri: dbfs: paths are not supported");
    assertThatThrownBy(
            () ->
                type.validate(
                    Map.of("main_class_name", "demo.App", "jar_uri", "/Volumes/c/s/v/a.jar"), p))
        .hasMessageStartingWith(p + ".jar_uri: Unity Catalog volume paths are not supported");
    assertThatThrownBy(
            () -> type.validate(Map.of("main_class_name", "demo.App", "run_as_repl", "yes"), p))
        .hasMessage(p + ".run_as_repl: must be true or false");
    type.validate(
        Map.of("main_class_name", "demo.App", "jar_uri", "file:///x/a.jar", "run_as_repl", true),
        p);
  }
}
