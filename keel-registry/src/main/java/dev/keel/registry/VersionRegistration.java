package dev.keel.registry;

import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;
import static dev.keel.registry.RegistryService.PRINCIPAL;

import dev.keel.core.KeelException;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import dev.keel.registry.modelpackage.ModelPackageReader;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Owns registration: finalizing versions, the model-package check, READY-only downloads. */
final class VersionRegistration {
  private final RegistryStore store;
  private final VersionOps versions;
  private final VersionFiles files;
  private final ArtifactStore artifacts;
  private final Clock clock;

  VersionRegistration(
      RegistryStore store,
      VersionOps versions,
      VersionFiles files,
      ArtifactStore artifacts,
      Clock clock) {
    this.store = store;
    this.versions = versions;
    this.files = files;
    this.artifacts = artifacts;
    this.clock = clock;
  }

  ModelVersion createVersionMlflow(
      String fullName,
      String source,
      Optional<String> runId,
      Optional<String> comment,
      Map<String, String> tags) {
    ModelVersion v = versions.createVersion(fullName, source, runId, comment, tags);
    ArtifactPath src = files.resolveSource(v.source()).path();
    if (files.hasMlmodel(src) || files.hasMlmodel(VersionFiles.storagePath(v))) {
      return finalizeVersion(v.modelFullName(), v.version());
    }
    return v;
  }

  ModelVersion finalizeVersion(String fullName, long version) {
    ModelVersion v = versions.getVersion(fullName, version);
    if (v.status() == ModelVersionStatus.READY) {
      return v;
    }
    ArtifactPath dir = VersionFiles.storagePath(v);
    ArtifactPath src = files.resolveSource(v.source()).path();
    try {
      if (!files.hasMlmodel(dir) && !src.equals(dir) && files.hasMlmodel(src)) {
        files.copyTree(src, dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not copy the model files of version " + version, e);
    }
    Optional<String> problem = checkPackage(dir);
    return store.setVersionStatus(
        v.modelFullName(),
        version,
        problem.isEmpty() ? ModelVersionStatus.READY : ModelVersionStatus.FAILED_REGISTRATION,
        problem,
        clock.millis(),
        PRINCIPAL);
  }

  Optional<String> checkPackage(ArtifactPath dir) {
    if (!files.hasMlmodel(dir)) {
      return Optional.of(
          "No MLmodel file at "
              + ARTIFACTS_SCHEME
              + "/"
              + dir
              + ": upload the model directory (MLmodel and its files) before finalizing.");
    }
    try {
      CheckedModelPackage pkg = ModelPackageReader.read(artifacts, dir);
      if (pkg.servableFlavor().isEmpty()) {
        return Optional.of(
            "The model package at "
                + ARTIFACTS_SCHEME
                + "/"
                + dir
                + " has no flavor Keel can load (onnx or xgboost); flavors: "
                + String.join(", ", pkg.flavors().keySet()));
      }
      return Optional.empty();
    } catch (KeelException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.of(
          "The model package at " + ARTIFACTS_SCHEME + "/" + dir + " could not be read.");
    }
  }

  String downloadUri(String fullName, long version) {
    return requireReady(versions.getVersion(fullName, version)).storageLocation();
  }

  static ModelVersion requireReady(ModelVersion v) {
    if (v.status() != ModelVersionStatus.READY) {
      throw KeelException.invalid(
          "Model version "
              + v.version()
              + " of '"
              + v.modelFullName()
              + "' is "
              + v.status()
              + ", not READY: only READY versions can be loaded.");
    }
    return v;
  }
}
