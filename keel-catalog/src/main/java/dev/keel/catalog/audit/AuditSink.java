package dev.keel.catalog.audit;

/**
 * Told by {@link AuditLog}'s writer after each batch of entries has committed to the database: how
 * another part of the server (the export to the {@code system.access.audit} table) learns that
 * there is more to read, without the audit log depending on it. The database stays the source of
 * truth: a sink reads the entries itself ({@link AuditLog#after}) and keeps its own resume point,
 * so a notification it missed (it was busy, the process restarted) loses nothing.
 */
@FunctionalInterface
public interface AuditSink {
  /**
   * Entries up to {@code lastSequence} are committed. Runs on the audit writer's thread: return
   * quickly (wake a thread of your own); an exception is logged and ignored.
   */
  void committed(long lastSequence);
}
