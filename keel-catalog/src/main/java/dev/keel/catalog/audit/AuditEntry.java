package dev.keel.catalog.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * One audited request. Holds no request body, query string or credential: only what identifies the
 * caller, the operation and the object it acted on.
 *
 * @param eventId a unique id (a UUID)
 * @param eventTime when the request arrived, ms since the epoch
 * @param principalId the caller's identity id; empty when nobody was authenticated (a 401)
 * @param principalName the caller's user name or service principal application id; empty as above
 * @param serviceName the API the action belongs to, e.g. {@code mlflow}, {@code unity-catalog}
 * @param actionName the operation, e.g. {@code mlflow.runs.log-batch} (see {@code AuditActions})
 * @param httpMethod the HTTP method
 * @param path the route's path template, e.g. {@code /api/2.1/unity-catalog/tables/{full_name}}
 * @param securableType the type of the securable an authorization check was made on
 * @param securableName its full name or id
 * @param privilege the privilege checked
 * @param result whether the request was allowed or denied
 * @param statusCode the HTTP status answered
 * @param sourceAddress the client's IP address (the TCP peer: a proxy's address behind one)
 * @param userAgent the {@code User-Agent} header, cut to {@value #MAX_USER_AGENT} characters
 * @param requestId the request's {@code X-Request-Id}
 * @param durationMillis how long the request took, in whole ms
 */
public record AuditEntry(
    String eventId,
    long eventTime,
    Optional<String> principalId,
    Optional<String> principalName,
    String serviceName,
    String actionName,
    String httpMethod,
    String path,
    Optional<String> securableType,
    Optional<String> securableName,
    Optional<String> privilege,
    Result result,
    int statusCode,
    Optional<String> sourceAddress,
    Optional<String> userAgent,
    String requestId,
    long durationMillis) {

  /** The longest user agent kept. */
  public static final int MAX_USER_AGENT = 512;

  /** Whether the request got past authentication and authorization. */
  public enum Result {
    /** Authenticated and authorized (the operation may still have failed: see the status). */
    ALLOWED,
    /** Refused: not authenticated (401), not authorized (403) or rate-limited (429). */
    DENIED;

    /** The lower-case wire name. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a wire name. */
    public static Result ofWire(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public AuditEntry {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(actionName, "actionName");
    Objects.requireNonNull(httpMethod, "httpMethod");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(requestId, "requestId");
    principalId = Objects.requireNonNullElse(principalId, Optional.empty());
    principalName = Objects.requireNonNullElse(principalName, Optional.empty());
    securableType = Objects.requireNonNullElse(securableType, Optional.empty());
    securableName = Objects.requireNonNullElse(securableName, Optional.empty());
    privilege = Objects.requireNonNullElse(privilege, Optional.empty());
    sourceAddress = Objects.requireNonNullElse(sourceAddress, Optional.empty());
    userAgent =
        Objects.requireNonNullElse(userAgent, Optional.<String>empty())
            .map(u -> u.length() > MAX_USER_AGENT ? u.substring(0, MAX_USER_AGENT) : u);
  }
}
