package dev.keel.jobs.trigger;

/**
 * A job's {@code continuous}: keep exactly one run alive, starting the next when one ends.
 *
 * @param paused {@code pause_status} PAUSED
 */
public record Continuous(boolean paused) {}
