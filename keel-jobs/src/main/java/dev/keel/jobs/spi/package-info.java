/**
 * What a task type implements to run as a job task: {@link dev.keel.jobs.spi.TaskType} (one per
 * payload field of Databricks' {@code Task}, e.g. {@code spark_python_task}), the {@link
 * dev.keel.jobs.spi.TaskContext} an attempt runs in and the {@link dev.keel.jobs.spi.TaskResult} it
 * ends with. The scheduler owns the graph, retries, timeouts and cancellation; a task type only
 * runs one attempt. The control-flow types ({@code condition_task}, {@code run_job_task}, {@code
 * for_each_task}) are the scheduler's own and are not task types.
 */
package dev.keel.jobs.spi;
