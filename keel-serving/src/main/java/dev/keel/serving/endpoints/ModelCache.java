package dev.keel.serving.endpoints;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.LibraryMessages;
import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.MLmodel;
import dev.keel.mlmodel.MLmodelReader;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.RegistryService;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models shared by every endpoint: one per (model, version), loaded on first use and
 * unloaded when the last user releases it. A version's files are copied from the artifact store
 * into a private working folder first, so the loaded model never depends on files that may change.
 * Thread-safe.
 */
final class ModelCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  /** A model in use; {@link #release()} once per {@link #acquire}. */
  static final class Handle {
    final String key;
    final long version;
    final LoadedModel model;
    final Map<String, String> tags;

    Handle(String key, long version, LoadedModel model, Map<String, String> tags) {
      this.key = key;
      this.version = version;
      this.model = model;
      this.tags = tags;
    }
  }

  private static final class Entry {
    final Object loadLock = new Object();
    Handle handle;
    Path dir;
    int refs;
  }

  private final ArtifactStore artifacts;
  private final ModelLoader loader;
  private final Path workDir;
  private final Map<String, Entry> entries = new HashMap<>();

  ModelCache(ArtifactStore artifacts, ModelLoader loader, Path workDir) {
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
  }

  /**
   * The loaded model of a READY version, loading and warming it if no one uses it yet.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE if the version is not READY or does not load
   */
  Handle acquire(ModelVersion v) {
    RegistryService.requireReady(v);
    String key = v.modelFullName() + "/" + v.version();
    Entry e;
    synchronized (entries) {
      e = entries.computeIfAbsent(key, k -> new Entry());
      e.refs++;
    }
    try {
      synchronized (e.loadLock) {
        if (e.handle == null) {
          Path dir = workDir.resolve(UUID.randomUUID().toString());
          try {
            copy(v, dir);
            e.handle = new Handle(key, v.version(), loader.load(dir), v.tags());
            e.dir = dir;
            LOG.info("Loaded model {} version {}", v.modelFullName(), v.version());
          } catch (IOException ex) {
            deleteTree(dir);
            throw new KeelException(
                ErrorCode.INVALID_ARGUMENT,
                "Model "
                    + v.modelFullName()
                    + " version "
                    + v.version()
                    + " could not be read: "
                    + LibraryMessages.withoutPaths(ex.getMessage()),
                ex);
          } catch (RuntimeException ex) {
            deleteTree(dir);
            throw ex;
          }
        }
        return e.handle;
      }
    } catch (RuntimeException ex) {
      releaseKey(key);
      throw ex;
    }
  }

  /**
   * Checks that Keel can serve a version, from the flavors of its {@code MLmodel} and by the rule
   * the loader applies ({@link ModelLoader#servedFlavor}), without loading it.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE naming the version, its flavors and the flavors
   *     Keel serves
   */
  void requireServable(ModelVersion v) {
    Map<String, Flavor> flavors = mlmodel(v).flavors();
    if (loader.servedFlavor(flavors).isEmpty()) {
      throw KeelException.invalid(
          "Model "
              + v.modelFullName()
              + " version "
              + v.version()
              + " cannot be served: "
              + loader.unservable(flavors)
              + ".");
    }
  }

  /**
   * The signature a version's {@code MLmodel} declares (empty without one), read without loading
   * the model.
   *
   * @throws KeelException INVALID_ARGUMENT naming the version if its MLmodel cannot be read
   */
  Optional<ModelSignature> declaredSignature(ModelVersion v) {
    return mlmodel(v).signature();
  }

  private MLmodel mlmodel(ModelVersion v) {
    ArtifactPath mlmodel = root(v).resolve(MLmodel.FILE_NAME);
    try (InputStream in = artifacts.open(mlmodel)) {
      byte[] bytes = in.readNBytes((int) MLmodelReader.MAX_MLMODEL_BYTES + 1);
      return MLmodelReader.read(bytes);
    } catch (IOException ex) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "Model "
              + v.modelFullName()
              + " version "
              + v.version()
              + " could not be read: "
              + LibraryMessages.withoutPaths(ex.getMessage()),
          ex);
    }
  }

  /** Gives back a handle; the model is closed when no one uses it. */
  void release(Handle h) {
    releaseKey(h.key);
  }

  private void releaseKey(String key) {
    Entry gone = null;
    synchronized (entries) {
      Entry e = entries.get(key);
      if (e != null && --e.refs == 0) {
        entries.remove(key);
        gone = e;
      }
    }
    if (gone != null) {
      synchronized (gone.loadLock) {
        if (gone.handle != null) {
          gone.handle.model.close();
          LOG.info("Unloaded model {}", key);
        }
        if (gone.dir != null) {
          deleteTree(gone.dir);
        }
      }
    }
  }

  /** The number of distinct models loaded (for tests and metrics). */
  int loaded() {
    synchronized (entries) {
      return (int) entries.values().stream().filter(e -> e.handle != null).count();
    }
  }

  private static ArtifactPath root(ModelVersion v) {
    String loc = v.storageLocation();
    String prefix = RegistryService.ARTIFACTS_SCHEME + "/";
    if (!loc.startsWith(prefix)) {
      throw KeelException.invalid("Unexpected storage location " + loc);
    }
    return ArtifactPath.parse("storage_location", loc.substring(prefix.length()), false);
  }

  private void copy(ModelVersion v, Path dir) throws IOException {
    ArtifactPath root = root(v);
    Files.createDirectories(dir);
    copyTree(root, root, dir);
  }

  private void copyTree(ArtifactPath root, ArtifactPath from, Path to) throws IOException {
    for (FileInfo f : artifacts.list(from)) {
      ArtifactPath child = ArtifactPath.parse("path", f.path(), false);
      Path target = to.resolve(child.name());
      if (!target.normalize().startsWith(to)) {
        throw KeelException.invalid("Model file " + f.path() + " leads out of the package");
      }
      if (f.isDir()) {
        Files.createDirectories(target);
        copyTree(root, child, target);
      } else {
        try (InputStream in = artifacts.open(child)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException ex) {
      LOG.warn("Could not delete {}: {}", dir, ex.toString());
    }
  }

  /** Closes every model still loaded. */
  @Override
  public void close() {
    Map<String, Entry> all;
    synchronized (entries) {
      all = new HashMap<>(entries);
      entries.clear();
    }
    for (Entry e : all.values()) {
      synchronized (e.loadLock) {
        if (e.handle != null) {
          e.handle.model.close();
        }
        if (e.dir != null) {
          deleteTree(e.dir);
        }
      }
    }
  }
}
