package dev.keel.registry;

/**
 * Hears about registry changes this server commits (see {@link RegistryService#addListener}), after
 * the commit, on the committing thread. Other servers' changes are announced through {@link
 * RegistryService#subscribeToChanges}; both are notices, the durable record is {@link
 * RegistryService#eventsSince}.
 */
@FunctionalInterface
public interface RegistryListener {
  /** A model was created, a version became READY, or an alias was set. */
  void changed(RegistryEvent event);
}
