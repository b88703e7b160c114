/**
 * Jobs: multi-task workflows as Databricks Lakeflow Jobs has them (job settings, a task graph with
 * {@code depends_on} and {@code run_if}, runs, attempts, repairs), a durable scheduler that keeps
 * its state in the metadata database, the task types Keel runs ({@link dev.keel.jobs.spi}) and what
 * starts runs ({@link dev.keel.jobs.trigger}).
 */
package dev.keel.jobs;
