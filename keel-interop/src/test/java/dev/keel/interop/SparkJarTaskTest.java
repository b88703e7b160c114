package dev.keel.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.jobs.process.ProcessTaskConfig;
import dev.keel.jobs.process.SparkJarTaskType;
import dev.keel.jobs.process.TestTaskContext;
import dev.keel.jobs.spi.TaskResult;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code spark_jar_task} run by Keel's task type through {@code spark-submit} to Spark 4 in local
 * mode ({@code org.apache.spark.deploy.SparkSubmit} from the Maven jars, behind a small {@code
 * spark-submit} script): the job reads a table a real Keel server wrote and writes into another
 * Keel table through the catalog configuration the task type passes; Keel then reads what Spark
 * wrote.
 */
@DisabledOnOs(OS.WINDOWS)
class SparkJarTaskTest {
  @TempDir Path dir;

  /** The Spark application: doubles {@code v} of the rows with {@code id < 50} into {@code dst}. */
  private static final String APP =
      """
      package demo;
      import org.apache.spark.sql.SparkSession;
      public class CopyJob {
        public static void main(String[] args) {
          SparkSession spark = SparkSession.builder().getOrCreate();
          long n = spark.sql("SELECT * FROM keel.main.default." + args[0]).count();
          System.out.println("read " + n + " rows");
          spark.sql("INSERT INTO keel.main.default." + args[1]
              + " SELECT id, v * 2 FROM keel.main.default." + args[0] + " WHERE id < 50");
          spark.stop();
        }
      }
      """;

  @Test
  void a_spark_jar_task_reads_a_keel_table_and_writes_one_back_through_spark_submit()
      throws Exception {
    Path data = dir.resolve("keel-data");
    try (KeelProcess keel = KeelProcess.start(data)) {
      for (String name : List.of("src", "dst")) {
        keel.send(
            "POST",
            "/api/2.1/unity-catalog/tables",
            """
            {"name": "%s", "catalog_name": "main", "schema_name": "default",
             "table_type": "MANAGED", "data_source_format": "ICEBERG",
             "columns": [{"name": "id", "type_name": "LONG"}, {"name": "v", "type_name": "DOUBLE"}]}
            """
                .formatted(name));
      }
      String rows =
          java.util.stream.IntStream.range(0, 100)
              .mapToObj(i -> "{\"id\": " + i + ", \"v\": " + i + ".5}")
              .collect(Collectors.joining(","));
      keel.send(
          "POST",
          "/api/2.0/keel/tables/main.default.src/rows",
          "{\"mode\": \"append\", \"rows\": [" + rows + "]}");

      Map<String, String> conf =
          new LinkedHashMap<>(
              ProcessTaskConfig.keelCatalog(
                  "jdbc:sqlite:" + data.resolve("keel.db"), data.resolve("warehouse")));
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
      conf.put("spark.sql.shuffle.partitions", "2");
      // Iceberg's vectorized reader fails on JDK 24+ (see SparkReadsKeelTablesTest).
      conf.put("spark.sql.iceberg.vectorization.enabled", "false");
      ProcessTaskConfig config =
          new ProcessTaskConfig(
              "python3",
              dir,
              ProcessTaskConfig.currentJava(),
              "",
              Optional.of("local[1]"),
              sparkSubmitScript().toString(),
              conf);
      TestTaskContext ctx = new TestTaskContext(dir);
      ctx.taskKey = "copy";
      ctx.payload.put("main_class_name", "demo.CopyJob");
      ctx.payload.put("jar_uri", appJar().toString());
      ctx.payload.put("parameters", List.of("src", "dst"));

      long t0 = System.nanoTime();
      TaskResult result = new SparkJarTaskType(config).run(ctx);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("spark_jar_task through spark-submit local[1]: " + millis + " ms");

      String log = Files.readString(ctx.logFile);
      assertThat(result.succeeded()).as(log).isTrue();
      assertThat(log).contains("read 100 rows");
      JsonNode p =
          SparkReadsKeelTablesTest.JSON.readTree(
              keel.send("GET", "/api/2.0/keel/tables/main.default.dst/preview?limit=1000", null));
      List<Double> doubled = new ArrayList<>();
      p.path("rows").forEach(r -> doubled.add(r.get(1).asDouble()));
      assertThat(doubled).hasSize(50);
      assertThat(doubled.stream().mapToDouble(Double::doubleValue).sum())
          .isEqualTo(java.util.stream.IntStream.range(0, 50).mapToDouble(i -> 2 * (i + 0.5)).sum());
    }
  }

  /** {@code spark-submit}: Spark's own SparkSubmit on this JVM's class path and module flags. */
  private Path sparkSubmitScript() throws Exception {
    List<String> jvm =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(
                a ->
                    a.startsWith("--add-opens")
                        || a.startsWith("-Djdk.reflect")
                        || a.startsWith("-Dio.netty"))
            .toList();
    String script =
        "#!/bin/sh\nSPARK_LOCAL_IP=127.0.0.1 exec '"
            + ProcessTaskConfig.currentJava()
            + "' "
            + String.join(" ", jvm)
            + " -cp '"
            + System.getProperty("java.class.path")
            + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n";
    Path p = dir.resolve("spark-submit");
    Files.writeString(p, script);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** The application jar, compiled against the Spark jars on this class path. */
  private Path appJar() throws Exception {
    Path src = Files.createDirectories(dir.resolve("app/demo")).resolve("CopyJob.java");
    Files.writeString(src, APP);
    Path classes = Files.createDirectories(dir.resolve("app/classes"));
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString(),
                src.toString());
    assertThat(rc).isZero();
    Path jar = dir.resolve("copy-job.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("demo/CopyJob.class"));
      j.write(Files.readAllBytes(classes.resolve("demo/CopyJob.class")));
      j.closeEntry();
    }
    return jar;
  }
}
