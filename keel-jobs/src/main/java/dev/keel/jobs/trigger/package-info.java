/**
 * What starts job runs besides a caller: cron {@link dev.keel.jobs.trigger.Schedule}s (evaluated by
 * {@link dev.keel.jobs.trigger.QuartzCron}), the {@link dev.keel.jobs.trigger.TriggerSettings} of
 * Databricks' {@code trigger} (periodic, table update, model events) and {@link
 * dev.keel.jobs.trigger.Continuous}. {@link dev.keel.jobs.trigger.TriggerValidation} checks them at
 * save; {@link dev.keel.jobs.trigger.TriggerService} fires them from durable per-job state, reading
 * table and registry facts through {@link dev.keel.jobs.trigger.JobEventSource} (implemented by the
 * composition root over those capabilities) and asking the scheduler for runs through {@link
 * dev.keel.jobs.trigger.RunLauncher}, whose jobs it lists through {@link
 * dev.keel.jobs.trigger.TriggeredJobs}.
 */
package dev.keel.jobs.trigger;
