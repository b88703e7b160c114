package dev.keel.catalog.permissions;

import dev.keel.core.KeelException;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The object types of Databricks' permissions API that Keel serves, with their levels. Registered
 * models are not among them: Keel's models are Unity Catalog securables, governed by grants.
 */
public enum ObjectType {
  /**
   * MLflow experiments, their runs and artifacts: {@code /api/2.0/permissions/experiments/{id}}.
   */
  EXPERIMENTS(
      "experiments",
      "mlflowExperiment",
      "experiment",
      SecurableType.EXPERIMENT,
      List.of(PermissionLevel.CAN_READ, PermissionLevel.CAN_EDIT, PermissionLevel.CAN_MANAGE),
      Map.of(
          PermissionLevel.CAN_READ,
          "Can view the experiment, its runs, metrics and artifacts",
          PermissionLevel.CAN_EDIT,
          "Can view the experiment, create and log runs and edit them",
          PermissionLevel.CAN_MANAGE,
          "Can view, edit, rename, delete and restore the experiment and manage its permissions")),
  /** Serving endpoints: {@code /api/2.0/permissions/serving-endpoints/{id}}. */
  SERVING_ENDPOINTS(
      "serving-endpoints",
      "serving-endpoint",
      "serving endpoint",
      SecurableType.SERVING_ENDPOINT,
      List.of(PermissionLevel.CAN_VIEW, PermissionLevel.CAN_QUERY, PermissionLevel.CAN_MANAGE),
      Map.of(
          PermissionLevel.CAN_VIEW,
          "Can view the endpoint and its configuration",
          PermissionLevel.CAN_QUERY,
          "Can view and query the endpoint",
          PermissionLevel.CAN_MANAGE,
          "Can view, query, update the configuration of and delete the endpoint and manage its"
              + " permissions")),
  /** Jobs and their runs: {@code /api/2.0/permissions/jobs/{job_id}}. */
  JOBS(
      "jobs",
      "job",
      "job",
      SecurableType.JOB,
      List.of(
          PermissionLevel.CAN_VIEW,
          PermissionLevel.CAN_MANAGE_RUN,
          PermissionLevel.CAN_MANAGE,
          PermissionLevel.IS_OWNER),
      Map.of(
          PermissionLevel.CAN_VIEW,
          "Can view the job, its runs and their output",
          PermissionLevel.CAN_MANAGE_RUN,
          "Can view the job and run, cancel and repair its runs",
          PermissionLevel.CAN_MANAGE,
          "Can view, run, edit and delete the job and manage its permissions",
          PermissionLevel.IS_OWNER,
          "Owns the job: everything CAN_MANAGE allows"));

  private final String path;
  private final String wireType;
  private final String noun;
  private final SecurableType securable;
  private final List<PermissionLevel> levels;
  private final Map<PermissionLevel, String> descriptions;

  ObjectType(
      String path,
      String wireType,
      String noun,
      SecurableType securable,
      List<PermissionLevel> levels,
      Map<PermissionLevel, String> descriptions) {
    this.path = path;
    this.wireType = wireType;
    this.noun = noun;
    this.securable = securable;
    this.levels = levels;
    this.descriptions = descriptions;
  }

  /** The type's segment in {@code /api/2.0/permissions/{type}/{id}}, also its stored name. */
  public String path() {
    return path;
  }

  /** The {@code object_type} answers carry ({@code mlflowExperiment}, {@code serving-endpoint}). */
  public String wireType() {
    return wireType;
  }

  /** How messages name one object of this type ({@code experiment}, {@code serving endpoint}). */
  public String noun() {
    return noun;
  }

  /** The securable type routes acting on these objects declare. */
  public SecurableType securable() {
    return securable;
  }

  /** The levels that apply, lowest first. */
  public List<PermissionLevel> levels() {
    return levels;
  }

  /** What {@code level} lets one do, in words. */
  public String describe(PermissionLevel level) {
    return descriptions.get(level);
  }

  /**
   * The level a route's abstract privilege needs: BROWSE and READ the lowest (CAN_READ, CAN_VIEW),
   * EDIT and CREATE the middle one (CAN_EDIT, CAN_QUERY), MANAGE CAN_MANAGE.
   */
  public PermissionLevel levelFor(Privilege privilege) {
    return switch (privilege) {
      case NONE, BROWSE, READ -> levels.get(0);
      case EDIT, CREATE -> levels.get(1);
      case MANAGE -> levels.get(2);
    };
  }

  /**
   * The level named {@code name} on this type, for input.
   *
   * @throws KeelException 400 naming {@code field} for an unknown level or one that does not apply
   */
  public PermissionLevel parseLevel(String field, String name) {
    Optional<PermissionLevel> level =
        levels.stream().filter(l -> l.name().equals(name)).findFirst();
    return level.orElseThrow(
        () ->
            KeelException.invalid(
                "Invalid '"
                    + field
                    + "' "
                    + (name.isEmpty() ? "(empty)" : "'" + name + "'")
                    + ": the permission levels of "
                    + path
                    + " are "
                    + levels.stream().map(Enum::name).toList()
                    + "."));
  }

  /** The type whose path segment is {@code path}. */
  public static Optional<ObjectType> ofPath(String path) {
    for (ObjectType t : values()) {
      if (t.path.equals(path)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
