package dev.keel.http;

/**
 * One capability's HTTP API: its routes (each with an {@link Access} and, through its path prefix,
 * a {@link Dialect}). The composition root lists the modules; adding a capability is adding its
 * {@code ApiModule} to that list.
 */
@FunctionalInterface
public interface ApiModule {
  /** Declares the module's dialect prefixes and adds its routes. */
  void routes(Routes r);
}
