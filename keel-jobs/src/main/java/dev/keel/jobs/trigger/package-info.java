/**
 * What starts job runs besides a caller: cron {@link dev.keel.jobs.trigger.Schedule}s and the
 * {@link dev.keel.jobs.trigger.TriggerSettings} of Databricks' {@code trigger} (periodic, table
 * update, model events). Table and registry events reach the jobs module through {@link
 * dev.keel.jobs.trigger.JobEventSource}, which the composition root implements over those
 * capabilities; a trigger that fires asks the scheduler for a run through {@link
 * dev.keel.jobs.trigger.RunLauncher}.
 */
package dev.keel.jobs.trigger;
