package dev.keel.client;

import java.util.Objects;
import java.util.stream.Collectors;

/** Artifact paths: the artifact proxy's URIs and the checks on run-relative paths. */
final class ArtifactPaths {
  private ArtifactPaths() {}

  /** {@code mlflow-artifacts:/1/r/artifacts} (or {@code mlflow-artifacts://host/...}) → path. */
  static String proxyPath(String artifactUri) {
    if (!artifactUri.startsWith(KeelClient.ARTIFACT_SCHEME)) {
      throw KeelClientException.local(
          "NOT_IMPLEMENTED",
          "artifact URI '"
              + artifactUri
              + "' is not served through the artifact proxy; only mlflow-artifacts: URIs are"
              + " supported");
    }
    String rest = artifactUri.substring(KeelClient.ARTIFACT_SCHEME.length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return ArtifactPaths.stripSlashes(rest);
  }

  /**
   * Checks and normalizes an artifact path: forward slashes, no leading or trailing slash, no
   * empty, {@code .} or {@code ..} segments.
   */
  static String normalizeArtifactPath(String path, boolean allowEmpty) {
    Objects.requireNonNull(path, "artifactPath");
    String p = ArtifactPaths.stripSlashes(path);
    if (p.isEmpty()) {
      if (allowEmpty) {
        return "";
      }
      throw new IllegalArgumentException("artifact path must not be empty");
    }
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains("\\")) {
        throw new IllegalArgumentException(
            "invalid artifact path '" + path + "': use relative paths without '.', '..' or '\\'");
      }
    }
    return p;
  }

  static String stripSlashes(String p) {
    int start = 0;
    int end = p.length();
    while (start < end && p.charAt(start) == '/') {
      start++;
    }
    while (end > start && p.charAt(end - 1) == '/') {
      end--;
    }
    return p.substring(start, end);
  }

  static String joinPath(String a, String b) {
    String x = ArtifactPaths.stripSlashes(a);
    String y = ArtifactPaths.stripSlashes(b);
    if (x.isEmpty()) {
      return y;
    }
    return y.isEmpty() ? x : x + "/" + y;
  }

  static String relativeTo(String dir, String path) {
    String d = ArtifactPaths.stripSlashes(dir);
    return d.isEmpty() ? path : path.substring(Math.min(path.length(), d.length() + 1));
  }

  /** Percent-encodes each segment of a slash-separated path (RFC 3986 unreserved kept). */
  static String encodePath(String path) {
    return java.util.Arrays.stream(path.split("/", -1))
        .map(KeelClient::encode)
        .collect(Collectors.joining("/"));
  }
}
