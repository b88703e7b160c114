/**
 * The durable scheduler: {@link dev.keel.jobs.engine.Scheduler} claims runs (leases in the store)
 * and drives each through its task graph; retries, timeouts, cancels, control tasks and references
 * are resolved here.
 */
package dev.keel.jobs.engine;
