package dev.keel.catalog.permissions;

/**
 * How the permissions API finds the objects of one type: the capability that owns them (tracking,
 * serving) answers, plugged in by the composition root.
 */
@FunctionalInterface
public interface PermissionObjects {
  /**
   * The name routes acting on the object with id {@code objectId} give it, which the type's {@code
   * Authorizer} decides on (an experiment's id, an endpoint's name).
   *
   * @throws dev.keel.core.KeelException NOT_FOUND when no such object exists
   */
  String securableName(String objectId);
}
