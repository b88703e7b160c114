package dev.keel.registry;

import static dev.keel.registry.RegistryNames.abbreviate;
import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;

import dev.keel.core.KeelException;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Owns where a version's files live: sources, storage locations, and copying and deleting files.
 */
final class VersionFiles {
  private final TrackingService tracking;
  private final ArtifactStore artifacts;

  VersionFiles(TrackingService tracking, ArtifactStore artifacts) {
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  /** A source resolved to a path in the artifact store. */
  record Resolved(ArtifactPath path, Optional<String> runId) {}

  /**
   * Resolves {@code runs:/<run_id>/<path>} through the run's artifact URI and {@code
   * mlflow-artifacts:/<path>} directly; refuses every other form (other schemes, hosts, plain or
   * relative paths, {@code ..}).
   */
  Resolved resolveSource(String source) {
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash + 1);
      if (runId.isEmpty() || !runId.matches("[A-Za-z0-9_\\-]{1,64}")) {
        throw outside(source);
      }
      Run run = tracking.getRun(runId);
      ArtifactPath root = artifactPath(run.info().artifactUri(), source);
      return new Resolved(
          path.isEmpty() ? root : root.resolve(safe(path, source).value()), Optional.of(runId));
    }
    if (source.startsWith(ARTIFACTS_SCHEME)) {
      return new Resolved(artifactPath(source, source), Optional.empty());
    }
    throw outside(source);
  }

  private static ArtifactPath artifactPath(String uri, String source) {
    if (!uri.startsWith(ARTIFACTS_SCHEME + "/") || uri.startsWith(ARTIFACTS_SCHEME + "//")) {
      throw outside(source);
    }
    return safe(uri.substring(ARTIFACTS_SCHEME.length() + 1), source);
  }

  private static ArtifactPath safe(String path, String source) {
    try {
      return ArtifactPath.parse("source", path, false);
    } catch (KeelException e) {
      throw KeelException.invalid(
          "Invalid 'source' '" + abbreviate(source) + "': " + e.getMessage());
    }
  }

  private static KeelException outside(String source) {
    return KeelException.invalid(
        "Invalid 'source' '"
            + abbreviate(source)
            + "': it must lie inside Keel's managed artifact storage, as runs:/<run_id>/<path> or"
            + " mlflow-artifacts:/<path>.");
  }

  static String storagePath(String[] model, long version) {
    return "models/" + model[0] + "/" + model[1] + "/" + model[2] + "/" + version;
  }

  static ArtifactPath storagePath(ModelVersion v) {
    return artifactPath(v.storageLocation(), v.storageLocation());
  }

  boolean hasMlmodel(ArtifactPath dir) {
    return artifacts.size(dir.resolve("MLmodel")).isPresent();
  }

  void copyTree(ArtifactPath from, ArtifactPath to) throws IOException {
    for (FileInfo f : artifacts.list(from)) {
      ArtifactPath child = ArtifactPath.parse("path", f.path(), false);
      ArtifactPath target = to.resolve(child.name());
      if (f.isDir()) {
        copyTree(child, target);
      } else {
        try (InputStream in = artifacts.open(child)) {
          artifacts.put(target, in);
        }
      }
    }
  }

  /** Removes a deleted version's own files (best effort: metadata is already gone). */
  void deleteFiles(ModelVersion v) {
    try {
      ArtifactPath dir = storagePath(v);
      if (dir.value().startsWith("models/") && !artifacts.list(dir).isEmpty()) {
        artifacts.delete(dir);
      }
    } catch (IOException | RuntimeException e) {
      // the version is gone either way; a new version never reuses a non-empty location
    }
  }

  /**
   * {@code path} when nothing is stored there yet; otherwise (files left by a deleted or renamed
   * model of the same name) a unique sibling, so a new version never sees another's files.
   */
  String freshLocation(String path) {
    try {
      if (artifacts.list(ArtifactPath.parse("path", path, false)).isEmpty()) {
        return path;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the artifact store", e);
    }
    return path + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
