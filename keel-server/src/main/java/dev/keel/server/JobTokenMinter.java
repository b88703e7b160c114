package dev.keel.server;

import dev.keel.catalog.identity.Identity;
import dev.keel.catalog.identity.IdentityService;
import dev.keel.jobs.engine.JobTokens;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Job task tokens from the identity service: a token of the run's identity (user or service
 * principal) that expires after the attempt's timeout, revoked when the attempt ends.
 */
final class JobTokenMinter implements JobTokens {
  private final IdentityService identities;

  JobTokenMinter(IdentityService identities) {
    this.identities = identities;
  }

  @Override
  public Optional<Minted> mint(String principal, long lifetimeSeconds, String comment) {
    return identities
        .byName(principal)
        .filter(i -> i.kind() != Identity.Kind.GROUP)
        .map(
            i -> {
              IdentityService.CreatedToken t =
                  identities.createToken(
                      i.id(), i.id(), OptionalLong.of(lifetimeSeconds), Optional.of(comment));
              return new Minted(t.info().id(), t.value());
            });
  }

  @Override
  public void revoke(String tokenId) {
    identities.revoke(tokenId);
  }
}
