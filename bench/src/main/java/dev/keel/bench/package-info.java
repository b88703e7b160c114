/** Load generators behind the figures in {@code docs/benchmarks.md}; see that file for commands. */
package dev.keel.bench;
