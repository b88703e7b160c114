package dev.keel.jobs.engine;

import java.util.Optional;

/**
 * Mints the short-lived tokens task processes call Keel with ({@code KEEL_TOKEN}); the composition
 * root implements it over the identity service. Thread-safe.
 */
public interface JobTokens {
  /** No tokens: the server runs without authentication. */
  JobTokens NONE =
      new JobTokens() {
        @Override
        public Optional<Minted> mint(String principal, long lifetimeSeconds, String comment) {
          return Optional.empty();
        }

        @Override
        public void revoke(String tokenId) {}
      };

  /**
   * A token.
   *
   * @param id its id, for {@link #revoke}
   * @param value the secret the process sends
   */
  record Minted(String id, String value) {}

  /** A token for the user or service principal named {@code principal}, if it exists. */
  Optional<Minted> mint(String principal, long lifetimeSeconds, String comment);

  /** Revokes a token minted here (the attempt ended). */
  void revoke(String tokenId);
}
