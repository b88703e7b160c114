/**
 * The {@code keel} command line (picocli): {@code keel server} starts a Keel server; {@code keel
 * experiments}, {@code keel runs}, {@code keel artifacts}, {@code keel catalogs} and {@code keel
 * schemas} drive a running one through {@link dev.keel.client.KeelClient}, printing aligned tables
 * or the server's JSON ({@code --output json}); {@code keel ml} runs Keel's built-in ML tasks
 * (train, evaluate, promote, batch-score, publish-features) that a job's {@code keel_task}
 * launches. Exit codes: 0 success, 1 the operation failed (the server's {@code error_code} is
 * printed), 2 the command line was invalid.
 */
package dev.keel.cli;
