/**
 * Shared foundations of every Keel module: the single error type ({@link
 * dev.keel.core.KeelException} with its {@link dev.keel.core.ErrorCode}), opaque paging tokens,
 * input validation helpers, id generation and the server configuration resolved from flags, {@code
 * KEEL_*} environment variables and a config file.
 */
package dev.keel.core;
