package dev.keel.registry.http;

import static dev.keel.core.Privilege.READ;
import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;

import dev.keel.core.SecurableType;
import dev.keel.http.Caller;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The check a model version's registration makes on the data it copies: the version's files come
 * from a run ({@code run_id}, {@code runs:/<run_id>/<path>}) or from a path in the artifact store
 * ({@code mlflow-artifacts:/<path>}), copied server-side, so the caller must be able to read them
 * (READ on the run's experiment, Databricks' {@code CAN_READ}) as well as edit the model. Without
 * this a user allowed to create model versions could copy, then download, another user's run
 * artifacts.
 */
final class SourceAccess {
  private SourceAccess() {}

  /**
   * Requires READ on the run {@code runId} names and on the run or artifact path {@code source}
   * names; a source Keel cannot resolve is left to the registry, which refuses it (400).
   *
   * @throws dev.keel.core.KeelException {@code PERMISSION_DENIED} naming the privilege and the
   *     experiment, before anything is registered
   */
  static void requireReadable(Context ctx, String source, Optional<String> runId) {
    runId
        .filter(id -> !id.isBlank())
        .ifPresent(id -> Caller.require(ctx, SecurableType.RUN, id, READ));
    if (source == null) {
      return;
    }
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String id = slash < 0 ? rest : rest.substring(0, slash);
      if (!id.isEmpty() && runId.filter(id::equals).isEmpty()) {
        Caller.require(ctx, SecurableType.RUN, id, READ);
      }
    } else if (source.startsWith(ARTIFACTS_SCHEME + "/")) {
      String path = source.substring(ARTIFACTS_SCHEME.length() + 1);
      if (!path.isEmpty()) {
        Caller.require(ctx, SecurableType.ARTIFACT, path, READ);
      }
    }
  }
}
