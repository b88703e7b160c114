package dev.keel.client;

/**
 * One audit-log entry, as {@code GET /api/2.0/keel/audit} returns it. Absent values are {@code ""}.
 *
 * @param eventId a unique id
 * @param eventTime when the request arrived, ms since the epoch
 * @param principalId the caller's identity id ({@code ""} when nobody was authenticated)
 * @param principalName the caller's user name or service principal application id
 * @param serviceName the API, e.g. {@code mlflow}
 * @param actionName the operation, e.g. {@code unity-catalog.tables.delete}
 * @param httpMethod the HTTP method
 * @param path the route's path template
 * @param securableType the type of the securable checked
 * @param securableName its full name or id
 * @param privilege the privilege checked
 * @param result {@code allowed} or {@code denied}
 * @param statusCode the HTTP status answered
 * @param sourceIpAddress the client's address
 * @param userAgent the client's {@code User-Agent}
 * @param requestId the request's {@code X-Request-Id}
 * @param durationMillis how long the request took
 */
public record AuditEvent(
    String eventId,
    long eventTime,
    String principalId,
    String principalName,
    String serviceName,
    String actionName,
    String httpMethod,
    String path,
    String securableType,
    String securableName,
    String privilege,
    String result,
    int statusCode,
    String sourceIpAddress,
    String userAgent,
    String requestId,
    long durationMillis) {}
