package dev.keel.tracking.artifacts;

/**
 * Decides whether a path of the artifact store may be written or deleted through the artifact
 * proxy. Other capabilities that keep files in the store (the model registry: the files of a
 * finalized model version are immutable) implement it without the tracking module knowing them.
 */
@FunctionalInterface
public interface ArtifactWriteGuard {

  /** Allows every write. */
  ArtifactWriteGuard NONE = path -> {};

  /**
   * Checks that the file or folder at {@code path} (and, for a folder, everything under it) may be
   * replaced or deleted.
   *
   * @throws dev.keel.core.KeelException PERMISSION_DENIED saying why it may not
   */
  void checkWrite(ArtifactPath path);
}
