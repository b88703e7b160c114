package dev.keel.registry;

import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;
import static dev.keel.registry.RegistryService.PRINCIPAL;

import dev.keel.core.KeelException;
import dev.keel.core.Validate;
import dev.keel.mlmodel.Flavor;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import dev.keel.registry.modelpackage.ModelPackageReader;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns registration: finalizing versions, the model-package check, READY-only downloads, and the
 * ownership of registrations in progress.
 *
 * <p>While this server copies and checks a version's files, the version's row names this server
 * ({@link #owner}) and a heartbeat that {@link RegistrationRecovery} renews. A pending version
 * whose owner stopped heart-beating for {@link #LEASE_MILLIS} (the server was killed or crashed
 * mid-copy) is taken over by any live server sharing the database and registered again from its
 * source, or failed with the reason.
 */
final class VersionRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(VersionRegistration.class);

  /** How long a registration owner may stay silent before its work is taken over. */
  static final long LEASE_MILLIS = 20_000;

  private final RegistryStore store;
  private final VersionOps versions;
  private final VersionFiles files;
  private final ArtifactStore artifacts;
  private final Clock clock;
  private final RegistryListeners listeners;
  private final String owner = UUID.randomUUID().toString();
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  VersionRegistration(
      RegistryStore store,
      VersionOps versions,
      VersionFiles files,
      ArtifactStore artifacts,
      Clock clock,
      RegistryListeners listeners) {
    this.listeners = listeners;
    this.store = store;
    this.versions = versions;
    this.files = files;
    this.artifacts = artifacts;
    this.clock = clock;
  }

  /** This server's registration owner id (one per registry service instance). */
  String owner() {
    return owner;
  }

  ModelVersion createVersionMlflow(
      String fullName,
      String source,
      Optional<String> runId,
      Optional<String> comment,
      Map<String, String> tags) {
    Validate.required("source", source);
    Validate.maxLength("source", source, RegistryService.MAX_SOURCE);
    ArtifactPath src = files.resolveSource(source).path();
    boolean finalizeNow = files.copiesFrom(src, ArtifactPath.root());
    ModelVersion v =
        versions.createVersion(
            fullName,
            source,
            runId,
            comment,
            tags,
            finalizeNow ? Optional.of(owner) : Optional.empty());
    if (finalizeNow || files.hasMlmodel(VersionFiles.storagePath(v))) {
      return finalizeVersion(v.modelFullName(), v.version());
    }
    return v;
  }

  ModelVersion finalizeVersion(String fullName, long version) {
    ModelVersion v = versions.getVersion(fullName, version);
    if (v.status() != ModelVersionStatus.PENDING_REGISTRATION) {
      return v;
    }
    long now = clock.millis();
    if (!store.claimRegistration(v.modelFullName(), version, owner, now, now - LEASE_MILLIS)) {
      // Finalized meanwhile, or another live server is registering it: answer what is stored.
      return versions.getVersion(fullName, version);
    }
    return register(v, Optional.empty());
  }

  /**
   * Registers a version this server owns: copies the source's model directory into the storage
   * location when the location holds no {@code MLmodel} yet, checks the package, and stores READY
   * or FAILED_REGISTRATION (releasing the registration).
   *
   * @param interrupted why the registration is being re-run, when it is (prefixed to a failure)
   */
  private ModelVersion register(ModelVersion v, Optional<String> interrupted) {
    if (!running.add(v.id())) {
      // This server is already registering it (a client retried finalize): answer the state.
      return versions.getVersion(v.modelFullName(), v.version());
    }
    try {
      return registerOnce(v, interrupted);
    } finally {
      running.remove(v.id());
    }
  }

  private ModelVersion registerOnce(ModelVersion v, Optional<String> interrupted) {
    ArtifactPath dir = VersionFiles.storagePath(v);
    Check check;
    try {
      if (!files.hasMlmodel(dir)) {
        ArtifactPath src = files.resolveSource(v.source()).path();
        if (files.copiesFrom(src, dir)) {
          files.copyPackage(src, dir);
        }
      }
      check = checkPackage(dir);
    } catch (KeelException e) {
      check = Check.failed(e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      if (Thread.currentThread().isInterrupted()) {
        // The server is stopping: leave the registration owned; it is taken over after the lease.
        throw new UncheckedIOException(
            "Registration of version " + v.version() + " stopped",
            e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
      }
      LOG.warn("Could not copy the files of {} {}", v.modelFullName(), v.version(), e);
      check =
          Check.failed(
              "Could not copy the model files from '"
                  + RegistryNames.abbreviate(v.source())
                  + "' into "
                  + v.storageLocation()
                  + ": "
                  + e.getMessage());
    }
    Optional<String> message =
        check.problem().map(p -> interrupted.map(i -> i + " " + p).orElse(p));
    long now = clock.millis();
    ModelVersion done =
        store.setVersionStatus(
            v.modelFullName(),
            v.version(),
            message.isEmpty() ? ModelVersionStatus.READY : ModelVersionStatus.FAILED_REGISTRATION,
            message,
            check.tags(),
            now,
            PRINCIPAL);
    if (done.status() == ModelVersionStatus.READY) {
      listeners.versionReady(done.modelFullName(), done.version(), now);
    }
    return done;
  }

  /**
   * Takes over and re-runs registrations whose owner stopped heart-beating (a killed or crashed
   * server): each ends READY or FAILED_REGISTRATION with the reason. Returns how many it ran.
   */
  int recoverAbandoned() {
    long now = clock.millis();
    int done = 0;
    List<ModelVersion> abandoned = store.abandonedRegistrations(now - LEASE_MILLIS, 100);
    for (ModelVersion v : abandoned) {
      if (!store.claimRegistration(
          v.modelFullName(), v.version(), owner, clock.millis(), clock.millis() - LEASE_MILLIS)) {
        continue; // another server took it
      }
      LOG.warn(
          "Resuming the interrupted registration of version {} of '{}' from {}",
          v.version(),
          v.modelFullName(),
          v.source());
      try {
        register(
            v,
            Optional.of(
                "The registration was interrupted (the server registering it stopped) and"
                    + " could not be completed from the source:"));
        done++;
      } catch (RuntimeException e) {
        LOG.warn("Could not resume the registration of {} {}", v.modelFullName(), v.version(), e);
      }
    }
    return done;
  }

  /** Renews this server's registrations in progress. */
  void heartbeat() {
    store.heartbeatRegistrations(owner, clock.millis());
  }

  /** The outcome of a package check: the problem, if any, and the tags Keel records. */
  record Check(Optional<String> problem, Map<String, String> tags) {
    static Check failed(String why) {
      return new Check(Optional.of(why), Map.of());
    }
  }

  Check checkPackage(ArtifactPath dir) {
    if (!files.hasMlmodel(dir)) {
      return Check.failed(
          "No MLmodel file at "
              + ARTIFACTS_SCHEME
              + "/"
              + dir
              + ": upload the model directory (MLmodel and its files) before finalizing.");
    }
    try {
      CheckedModelPackage pkg = ModelPackageReader.read(artifacts, dir);
      return new Check(Optional.empty(), servableTags(pkg));
    } catch (KeelException e) {
      return Check.failed(e.getMessage());
    } catch (IOException e) {
      return Check.failed(
          "The model package at " + ARTIFACTS_SCHEME + "/" + dir + " could not be read.");
    }
  }

  /** {@code keel.servable} (and, when not servable, {@code keel.servable_reason}) for a package. */
  static Map<String, String> servableTags(CheckedModelPackage pkg) {
    Map<String, String> tags = new LinkedHashMap<>();
    Optional<Flavor> flavor = pkg.servableFlavor();
    if (flavor.isPresent()) {
      tags.put(RegistryService.SERVABLE_TAG, flavor.get().name());
    } else {
      tags.put(RegistryService.SERVABLE_TAG, "false");
      tags.put(
          RegistryService.SERVABLE_REASON_TAG,
          "Keel serves the "
              + String.join(" and ", RegistryService.SERVABLE_FLAVORS)
              + " flavors; this model has "
              + String.join(", ", pkg.flavors().keySet())
              + ".");
    }
    return tags;
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
