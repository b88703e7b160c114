package dev.keel.catalog.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server does about identities when it starts: says whether it authenticates, and, with
 * authentication on and no administrator yet, creates the first one ({@value
 * IdentityService#FIRST_ADMINISTRATOR}, a member of {@code admins}) with a token written to {@value
 * #ADMIN_TOKEN_FILE} in the data directory, readable by the server's account only (mode 0600). The
 * path is printed, never the token.
 */
public final class IdentityBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityBootstrap.class);

  /** The file in the data directory the first administrator's token is written to. */
  public static final String ADMIN_TOKEN_FILE = "admin-token";

  private IdentityBootstrap() {}

  /**
   * Runs the start-up steps.
   *
   * @param authenticated whether the server authenticates requests
   * @return the file holding the new administrator's token, when one was created
   */
  public static Optional<Path> start(
      IdentityService identities, Path dataDir, boolean authenticated) {
    if (!authenticated) {
      LOG.warn(
          "Authentication is off: single local user, no authentication. Every request acts as the"
              + " administrator 'keel'; this is only allowed on a loopback address. Start with"
              + " --auth to require tokens.");
      return Optional.empty();
    }
    LOG.info("Authentication is on: every API request needs 'Authorization: Bearer <token>'.");
    Optional<IdentityService.CreatedToken> created = identities.bootstrapAdministrator();
    if (created.isEmpty()) {
      return Optional.empty();
    }
    Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
    write(file, created.get().value() + "\n");
    LOG.warn(
        "Created the administrator '{}' (no administrator existed); its token is in {}"
            + " (readable by this account only). Use it to create users and their tokens.",
        IdentityService.FIRST_ADMINISTRATOR,
        file);
    return Optional.of(file);
  }

  /** Writes {@code text} to {@code file}, readable and writable by the owner only, atomically. */
  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      Path tmp =
          posix
              ? Files.createTempFile(
                  file.getParent(),
                  ".admin-token",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(file.getParent(), ".admin-token", ".tmp");
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the administrator token to " + file, e);
    }
  }
}
