package dev.keel.catalog.identity;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A personal access token as stored: never its secret, only a salted hash of it.
 *
 * @param id the token id ({@code token_id})
 * @param ownerId the identity the token authenticates as
 * @param ownerName that identity's name (empty once it is gone)
 * @param createdById who created it: the owner, or an administrator for a service principal
 * @param createdByName that identity's name (empty once it is gone)
 * @param salt the random salt, hex
 * @param hash SHA-256 of the salt and the secret, hex
 * @param comment what the token is for
 * @param createdAt creation time, epoch milliseconds
 * @param expiresAt expiry time, epoch milliseconds; empty for a token that does not expire
 */
public record StoredToken(
    String id,
    String ownerId,
    String ownerName,
    String createdById,
    String createdByName,
    String salt,
    String hash,
    Optional<String> comment,
    long createdAt,
    OptionalLong expiresAt) {
  public StoredToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(ownerName, "ownerName");
    Objects.requireNonNull(createdById, "createdById");
    Objects.requireNonNull(createdByName, "createdByName");
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** True when the token has expired at {@code nowMillis}. */
  public boolean expired(long nowMillis) {
    return expiresAt.isPresent() && expiresAt.getAsLong() <= nowMillis;
  }
}
