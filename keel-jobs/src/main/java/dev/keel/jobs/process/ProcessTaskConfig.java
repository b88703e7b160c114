package dev.keel.jobs.process;

import dev.keel.core.KeelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the process task types need from the server, resolved once at start.
 *
 * @param python the default Python interpreter ({@link JobsProcessSettings#PYTHON})
 * @param filesRoot where relative task file paths resolve ({@link JobsProcessSettings#FILES_ROOT})
 * @param java the {@code java} launcher of JVM tasks (the running JVM's)
 * @param keelClassPath the class path {@code keel_task} runs Keel's CLI with (the server's)
 * @param sparkMaster the Spark master, empty to run tasks as local processes
 * @param sparkSubmit the {@code spark-submit} command
 * @param sparkCatalog Spark configuration that makes Keel's Iceberg tables a Spark catalog (see
 *     {@link #keelCatalog}), passed as {@code --conf} to every {@code spark-submit}
 */
public record ProcessTaskConfig(
    String python,
    Path filesRoot,
    Path java,
    String keelClassPath,
    Optional<String> sparkMaster,
    String sparkSubmit,
    Map<String, String> sparkCatalog) {
  /** The name Keel's catalog has in Spark; tables are {@code keel.<catalog>.<schema>.<table>}. */
  public static final String SPARK_CATALOG = "keel";

  public ProcessTaskConfig {
    Objects.requireNonNull(python, "python");
    filesRoot = filesRoot.toAbsolutePath().normalize();
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(keelClassPath, "keelClassPath");
    Objects.requireNonNull(sparkMaster, "sparkMaster");
    Objects.requireNonNull(sparkSubmit, "sparkSubmit");
    sparkCatalog = Map.copyOf(sparkCatalog);
  }

  /**
   * The configuration from the server's settings, running JVM tasks with this JVM's {@code java}
   * and {@code keel_task} with this JVM's class path.
   *
   * @param config the server's settings
   * @param jdbcUrl the metadata database's JDBC URL (where Keel's Iceberg catalog lives)
   * @param warehouse the Iceberg warehouse directory
   */
  public static ProcessTaskConfig from(KeelConfig config, String jdbcUrl, Path warehouse) {
    String root = config.get(JobsProcessSettings.FILES_ROOT);
    String master = config.get(JobsProcessSettings.SPARK_MASTER);
    return new ProcessTaskConfig(
        config.get(JobsProcessSettings.PYTHON),
        Path.of(root.isBlank() ? "" : root),
        currentJava(),
        System.getProperty("java.class.path", ""),
        master.isBlank() ? Optional.empty() : Optional.of(master),
        config.get(JobsProcessSettings.SPARK_SUBMIT),
        keelCatalog(jdbcUrl, warehouse));
  }

  /** The {@code java} launcher of the running JVM. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * The Spark properties of Keel's Iceberg catalog, as docs/tables.md gives them: Iceberg's {@code
   * SparkCatalog} over the same JDBC catalog and warehouse Keel writes, named {@value
   * #SPARK_CATALOG}, with Iceberg's SQL extensions.
   */
  public static Map<String, String> keelCatalog(String jdbcUrl, Path warehouse) {
    String p = "spark.sql.catalog." + SPARK_CATALOG;
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    conf.put(p, "org.apache.iceberg.spark.SparkCatalog");
    conf.put(p + ".type", "jdbc");
    conf.put(p + ".uri", jdbcUrl);
    conf.put(p + ".warehouse", warehouse.toAbsolutePath().normalize().toString());
    conf.put(p + ".jdbc.schema-version", "V1");
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      // Keel's server may hold SQLite's write lock: wait for it, as Keel's own catalog does.
      conf.put(p + ".jdbc.busy_timeout", "60000");
    }
    return conf;
  }

  /** The {@code --conf key=value} arguments of {@link #sparkCatalog}, in key order. */
  List<String> sparkConfArgs() {
    return sparkCatalog.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> Stream.of("--conf", e.getKey() + "=" + e.getValue()))
        .toList();
  }
}
