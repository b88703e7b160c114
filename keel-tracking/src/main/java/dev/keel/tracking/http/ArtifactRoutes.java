package dev.keel.tracking.http;

import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.ARTIFACT;
import static dev.keel.core.SecurableType.RUN;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.http.Accepts;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.ArtifactWriteGuard;
import dev.keel.tracking.artifacts.FileInfo;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * MLflow's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts/<path>}: streamed PUT, GET,
 * list, DELETE) and the tracking API's {@code artifacts/list} for a run. Paths come from the raw
 * request URI and are validated by {@link ArtifactPath} after full decoding. Writes and deletes
 * first ask the {@link ArtifactWriteGuard} (the files of a finalized model version are immutable:
 * 403).
 */
public final class ArtifactRoutes implements ApiModule {
  private static final List<String> PREFIXES =
      List.of("/api/2.0/mlflow-artifacts/artifacts", "/ajax-api/2.0/mlflow-artifacts/artifacts");

  private final ArtifactStore store;
  private final TrackingService tracking;
  private final ArtifactWriteGuard guard;

  public ArtifactRoutes(ArtifactStore store, TrackingService tracking, ArtifactWriteGuard guard) {
    this.store = store;
    this.tracking = tracking;
    this.guard = guard;
  }

  @Override
  public void routes(Routes r) {
    r.dialect("/api/2.0/mlflow-artifacts", Dialect.MLFLOW);
    r.dialect("/ajax-api/2.0/mlflow-artifacts", Dialect.MLFLOW);
    r.dialect("/api/2.0/mlflow", Dialect.MLFLOW);
    r.dialect("/ajax-api/2.0/mlflow", Dialect.MLFLOW);
    List<String> files = PREFIXES.stream().map(p -> p + "/<path>").toList();
    // A path is decided on the experiments whose artifact location holds it (see
    // ExperimentAccess); artifacts/list names a run.
    Access.Resource file = ctx -> pathOf(ctx).value();
    Access.Resource dir = ctx -> listedDir(ctx).value();
    // MLflow's clients send the type they guess from the file name (PUT always asks the
    // server first in a browser, so any type is safe here)
    r.add(PUT, files, Access.of(ARTIFACT, EDIT).on(file), Accepts.ANY, this::upload);
    r.add(GET, files, Access.of(ARTIFACT, READ).on(file), this::download);
    r.add(DELETE, files, Access.of(ARTIFACT, MANAGE).on(file), this::delete);
    r.add(GET, PREFIXES, Access.of(ARTIFACT, READ).on(dir), this::listRoot);
    r.add(
        GET,
        TrackingRoutes.mlflow("artifacts/list"),
        Access.of(RUN, READ).on(ctx -> runIdOf(Request.of(ctx))),
        this::listRun);
  }

  /** The artifact path from the raw (still percent-encoded) request URI. */
  private static ArtifactPath pathOf(Context ctx) {
    String uri = ctx.req().getRequestURI();
    for (String prefix : PREFIXES) {
      if (uri.startsWith(prefix + "/")) {
        return ArtifactPath.fromUri("path", uri.substring(prefix.length() + 1), false);
      }
    }
    throw KeelException.invalid("Invalid path: the artifact path is missing.");
  }

  private void upload(Context ctx) throws IOException {
    ArtifactPath path = pathOf(ctx);
    guard.checkWrite(path);
    try (InputStream in = ctx.req().getInputStream()) {
      store.put(path, in);
    }
    Json.write(ctx, Json.object());
  }

  private void download(Context ctx) throws IOException {
    ArtifactPath path = pathOf(ctx);
    long size =
        store
            .size(path)
            .orElseThrow(() -> KeelException.notFound("No artifact at '" + path.value() + "'"));
    InputStream in = store.open(path);
    String name = path.value().substring(path.value().lastIndexOf('/') + 1);
    ctx.header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Length", Long.toString(size));
    ctx.contentType("application/octet-stream");
    ctx.result(in);
  }

  private void delete(Context ctx) throws IOException {
    ArtifactPath path = pathOf(ctx);
    guard.checkWrite(path);
    store.delete(path);
    Json.write(ctx, Json.object());
  }

  private static ArtifactPath listedDir(Context ctx) {
    return ArtifactPath.parse("path", Request.of(ctx).string("path").orElse(""), true);
  }

  private static String runIdOf(Request req) {
    return req.string("run_id")
        .filter(s -> !s.isEmpty())
        .or(() -> req.string("run_uuid").filter(s -> !s.isEmpty()))
        .orElseThrow(() -> KeelException.missing("run_id"));
  }

  private void listRoot(Context ctx) throws IOException {
    ArtifactPath dir = listedDir(ctx);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("files");
    for (FileInfo f : store.list(dir)) {
      String base = f.path().substring(f.path().lastIndexOf('/') + 1);
      a.add(fileJson(base, f));
    }
    if (a.isEmpty()) {
      n.remove("files");
    }
    Json.write(ctx, n);
  }

  private void listRun(Context ctx) throws IOException {
    Request req = Request.of(ctx);
    String runId = runIdOf(req);
    Run run = tracking.getRun(runId);
    String rootUri = run.info().artifactUri();
    if (!rootUri.startsWith(JdbcTrackingStore.ARTIFACT_ROOT)) {
      throw KeelException.invalid("Run " + runId + " has no artifacts in Keel's artifact store.");
    }
    ArtifactPath root =
        ArtifactPath.parse(
            "artifact_uri", rootUri.substring(JdbcTrackingStore.ARTIFACT_ROOT.length()), false);
    String sub = req.string("path").orElse("");
    ArtifactPath dir =
        sub.isEmpty() ? root : root.resolve(ArtifactPath.parse("path", sub, false).value());
    ObjectNode n = Json.object();
    n.put("root_uri", rootUri);
    ArrayNode a = n.putArray("files");
    String rootPrefix = root.value() + "/";
    for (FileInfo f : store.list(dir)) {
      String rel =
          f.path().startsWith(rootPrefix) ? f.path().substring(rootPrefix.length()) : f.path();
      a.add(fileJson(rel, f));
    }
    if (a.isEmpty()) {
      n.remove("files");
    }
    Json.write(ctx, n);
  }

  private static ObjectNode fileJson(String path, FileInfo f) {
    ObjectNode o = Json.object();
    o.put("path", path);
    o.put("is_dir", f.isDir());
    f.fileSize().ifPresent(s -> o.put("file_size", s));
    return o;
  }
}
