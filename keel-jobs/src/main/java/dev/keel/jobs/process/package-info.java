/**
 * The task types that run a process per attempt: {@code spark_python_task} and {@code
 * python_wheel_task} (a local Python process), {@code spark_jar_task} (a JVM), all three through
 * {@code spark-submit} to a configured Spark master where Databricks would use a cluster, and
 * {@code keel_task} (Keel's CLI as a child JVM for the built-in ML tasks). One launcher ({@code
 * ProcessLauncher}) gives every process Keel's environment, the attempt's log and work directory,
 * and stops its whole process tree on cancel. {@code keel_jobs.py}, a resource here, is the Python
 * helper for task values.
 */
package dev.keel.jobs.process;
