package dev.keel.tracking;

import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.Authorizer;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides experiment, run and artifact access from the experiments' object permissions (MLflow's
 * and Databricks' meaning: CAN_READ reads the experiment, its runs, metrics and artifacts; CAN_EDIT
 * also creates and logs runs and tags the experiment; CAN_MANAGE also renames, deletes and restores
 * it and changes its permissions).
 *
 * <ul>
 *   <li>{@code EXPERIMENT}: the name is an experiment id; the empty name is the collection: any
 *       authenticated principal may create experiments (it owns what it creates) and list them
 *       (lists keep what it may see).
 *   <li>{@code RUN}: the name is a run id, decided on the run's experiment (404 for an unknown
 *       run).
 *   <li>{@code ARTIFACT}: the name is a path in the artifact store, decided on every experiment
 *       whose artifact location holds it. The files of a model version, {@code
 *       models/<catalog>/<schema>/<model>/...}, are decided by the {@code REGISTERED_MODEL}
 *       authorizer on {@code catalog.schema.model} with the same privilege, when one is registered.
 *       Any other path no experiment holds (the store's root) is for administrators only.
 * </ul>
 *
 * Thread-safe; the run → experiment answers are cached (a run never changes experiment), the
 * permissions are cached by the permission store.
 */
public final class ExperimentAccess implements Authorizer {
  private static final int MAX_CACHED_RUNS = 200_000;

  private final TrackingService tracking;
  private final ObjectPermissions permissions;
  private final Map<SecurableType, Authorizer> authorizers;
  private final ConcurrentHashMap<String, String> runExperiments = new ConcurrentHashMap<>();

  /**
   * Access to experiments through {@code permissions}.
   *
   * @param authorizers the server's authorizers by securable type, read at each decision: model
   *     version files are decided by its {@code REGISTERED_MODEL} entry
   */
  public ExperimentAccess(
      TrackingService tracking,
      ObjectPermissions permissions,
      Map<SecurableType, Authorizer> authorizers) {
    this.tracking = Objects.requireNonNull(tracking, "tracking");
    this.permissions = Objects.requireNonNull(permissions, "permissions");
    this.authorizers = Objects.requireNonNull(authorizers, "authorizers");
  }

  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    return switch (type) {
      case EXPERIMENT -> experiment(caller, name, privilege);
      case RUN -> {
        if (name.isEmpty()) {
          yield experiment(caller, name, privilege); // the collection: searches
        }
        String experimentId = experimentOfRun(name);
        Decision d = onExperiment(caller, experimentId, privilege);
        yield d.allowed()
            ? d
            : new Decision(
                false,
                d.securableType(),
                d.securable(),
                d.privilege(),
                d.reason().replaceFirst("\\.$", "") + " (the experiment of run " + name + ").");
      }
      case ARTIFACT -> artifact(caller, name, privilege);
      default -> throw new IllegalArgumentException("experiment access does not decide on " + type);
    };
  }

  private Decision experiment(Principal caller, String id, Privilege privilege) {
    if (id.isEmpty()) {
      boolean collection = privilege == Privilege.READ || privilege == Privilege.CREATE;
      return new Decision(
          collection,
          ObjectType.EXPERIMENTS.path(),
          "",
          privilege.name(),
          collection
              ? "any principal may create experiments and list those it may see"
              : "Only administrators may do this to every experiment.");
    }
    return onExperiment(caller, id, privilege);
  }

  private Decision onExperiment(Principal caller, String experimentId, Privilege privilege) {
    return permissions.decide(
        caller, ObjectType.EXPERIMENTS, experimentId, experimentId, privilege);
  }

  /** The experiment of run {@code runId}; 404 in MLflow's words for an unknown run. */
  public String experimentOfRun(String runId) {
    String hit = runExperiments.get(runId);
    if (hit != null) {
      return hit;
    }
    String id =
        tracking
            .experimentIdOfRun(runId)
            .orElseThrow(() -> KeelException.notFound("Run with id=" + runId + " not found"));
    if (runExperiments.size() >= MAX_CACHED_RUNS) {
      runExperiments.clear();
    }
    runExperiments.put(runId, id);
    return id;
  }

  private Decision artifact(Principal caller, String path, Privilege privilege) {
    String[] segments = path.split("/");
    if (segments.length >= 5 && segments[0].equals(TrackingService.REGISTRY_STORAGE)) {
      Authorizer models = authorizers.get(SecurableType.REGISTERED_MODEL);
      if (models != null) {
        String model = segments[1] + "." + segments[2] + "." + segments[3];
        return models.decide(caller, SecurableType.REGISTERED_MODEL, model, privilege);
      }
    }
    List<String> owners = path.isEmpty() ? List.of() : tracking.experimentsOwningArtifact(path);
    if (owners.isEmpty()) {
      String what =
          path.equals(TrackingService.REGISTRY_STORAGE)
                  || path.startsWith(TrackingService.REGISTRY_STORAGE + "/")
              ? "the files of model versions (read them through the model registry)"
              : "artifacts outside any experiment";
      return new Decision(
          false,
          "artifacts",
          path,
          ObjectType.EXPERIMENTS.levelFor(privilege).name(),
          "Only administrators may reach " + what + " at '" + path + "'.");
    }
    Decision last = null;
    for (String experimentId : owners) {
      last = onExperiment(caller, experimentId, privilege);
      if (!last.allowed()) {
        return last;
      }
    }
    return last;
  }
}
