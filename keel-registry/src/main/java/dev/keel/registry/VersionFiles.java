package dev.keel.registry;

import static dev.keel.registry.RegistryNames.abbreviate;
import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Owns where a version's files live: sources, storage locations, and copying and deleting files.
 */
final class VersionFiles {
  private final TrackingService tracking;
  private final ArtifactStore artifacts;
  private final RegistryStore store;

  VersionFiles(TrackingService tracking, ArtifactStore artifacts, RegistryStore store) {
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.store = store;
  }

  /**
   * Refuses (403) a write or delete at {@code path} when it is, lies inside or contains the storage
   * location of a finalized version: those files are immutable.
   */
  void checkWrite(ArtifactPath path) {
    if (!path.isRoot() && !inRegistryStorage(path)) {
      return;
    }
    List<String> locations = new ArrayList<>();
    StringBuilder prefix = new StringBuilder();
    for (String part : path.segments()) {
      prefix.append(prefix.isEmpty() ? "" : "/").append(part);
      locations.add(ARTIFACTS_SCHEME + "/" + prefix);
    }
    String under = ARTIFACTS_SCHEME + "/" + (path.isRoot() ? "" : path.value() + "/");
    store
        .finalizedVersionAt(locations.isEmpty() ? List.of("") : locations, under)
        .ifPresent(
            v -> {
              throw new KeelException(
                  ErrorCode.PERMISSION_DENIED,
                  "Cannot change '"
                      + abbreviate(path.value())
                      + "': it holds files of version "
                      + v.version()
                      + " of registered model '"
                      + v.modelFullName()
                      + "', which is "
                      + v.status()
                      + "; the files of a finalized model version cannot be changed (register"
                      + " a new version instead).");
            });
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

  /**
   * Copies a model directory into a version's (empty or partly copied) storage location: whatever
   * an interrupted copy left there is removed first, every file is written atomically, and the
   * top-level {@code MLmodel} is written last, so a location holding an {@code MLmodel} holds the
   * whole package.
   */
  void copyPackage(ArtifactPath from, ArtifactPath to) throws IOException {
    if (!artifacts.list(to).isEmpty()) {
      artifacts.delete(to);
    }
    copyTree(from, to, true);
  }

  private void copyTree(ArtifactPath from, ArtifactPath to, boolean top) throws IOException {
    FileInfo mlmodel = null;
    for (FileInfo f : artifacts.list(from)) {
      ArtifactPath child = ArtifactPath.parse("path", f.path(), false);
      ArtifactPath target = to.resolve(child.name());
      if (f.isDir()) {
        copyTree(child, target, false);
      } else if (top && child.name().equals("MLmodel")) {
        mlmodel = f;
      } else {
        copyFile(child, target);
      }
    }
    if (mlmodel != null) {
      copyFile(ArtifactPath.parse("path", mlmodel.path(), false), to.resolve("MLmodel"));
    }
  }

  private void copyFile(ArtifactPath from, ArtifactPath to) throws IOException {
    try (InputStream in = artifacts.open(from)) {
      artifacts.put(to, in);
    }
  }

  /** The artifact-store folder under which every version's storage location lies. */
  static final String STORAGE_ROOT = "models";

  /**
   * Whether finalize may copy a package from {@code src} into {@code dir}: it holds an {@code
   * MLmodel}, is not the version's own location, and lies outside registry storage.
   */
  boolean copiesFrom(ArtifactPath src, ArtifactPath dir) {
    return !src.equals(dir) && !src.isRoot() && !inRegistryStorage(src) && hasMlmodel(src);
  }

  /** Whether {@code path} is registry storage ({@code models} or below it). */
  static boolean inRegistryStorage(ArtifactPath path) {
    return path.value().equals(STORAGE_ROOT) || path.value().startsWith(STORAGE_ROOT + "/");
  }

  /**
   * Refuses a source that is registry storage or contains it: registering from there would copy
   * other versions' files (or a version's own, still changing, location) into the new version. One
   * exception: the storage location of the model itself ({@code models/<catalog>/<schema>/<model>},
   * what Unity Catalog answers as the model's {@code storage_location}), which clients that upload
   * the files to the version's location give as the source; nothing is ever copied from registry
   * storage ({@link #copiesFrom}).
   */
  static void requireOutsideRegistry(Resolved r, String source, String modelFullName) {
    String own = STORAGE_ROOT + "/" + modelFullName.replace('.', '/');
    if (r.path().value().equals(own)) {
      return;
    }
    if (r.path().isRoot() || inRegistryStorage(r.path())) {
      throw KeelException.invalid(
          "Invalid 'source' '"
              + abbreviate(source)
              + "': it lies in (or contains) the registry's own storage ("
              + ARTIFACTS_SCHEME
              + "/"
              + STORAGE_ROOT
              + "), where versions keep their files; register from the run or folder the model"
              + " was logged to.");
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
