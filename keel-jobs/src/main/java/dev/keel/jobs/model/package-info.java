/**
 * What a job is: its settings ({@link dev.keel.jobs.model.JobSpec}, {@link
 * dev.keel.jobs.model.TaskSpec}) checked and parsed from Databricks' JSON by {@link
 * dev.keel.jobs.model.SettingsParser}, the states runs and tasks go through and end in, {@code
 * run_if} semantics and dynamic value references.
 */
package dev.keel.jobs.model;
