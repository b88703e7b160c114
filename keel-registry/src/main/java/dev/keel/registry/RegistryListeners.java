package dev.keel.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the registered {@link RegistryListener}s; a failing listener never fails the change. */
final class RegistryListeners {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryListeners.class);

  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();

  void add(RegistryListener l) {
    listeners.add(l);
  }

  void modelCreated(String fullName, long at) {
    tell(
        new RegistryEvent(
            RegistryEvent.Kind.MODEL_CREATED,
            fullName,
            OptionalLong.empty(),
            Optional.empty(),
            Instant.ofEpochMilli(at)));
  }

  void versionReady(String fullName, long version, long at) {
    tell(
        new RegistryEvent(
            RegistryEvent.Kind.VERSION_READY,
            fullName,
            OptionalLong.of(version),
            Optional.empty(),
            Instant.ofEpochMilli(at)));
  }

  void aliasSet(String fullName, String alias, long version, long at) {
    tell(
        new RegistryEvent(
            RegistryEvent.Kind.ALIAS_SET,
            fullName,
            OptionalLong.of(version),
            Optional.of(alias),
            Instant.ofEpochMilli(at)));
  }

  private void tell(RegistryEvent e) {
    for (RegistryListener l : listeners) {
      try {
        l.changed(e);
      } catch (RuntimeException ex) {
        LOG.warn("registry listener failed on {}: {}", e, ex.toString());
      }
    }
  }
}
