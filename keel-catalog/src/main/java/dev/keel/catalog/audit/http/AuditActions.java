package dev.keel.catalog.audit.http;

import dev.keel.http.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Names the action of a route for the audit log: {@code <service>.<resource words>[.<verb>]},
 * derived from the route's method and path template only, so a route keeps its name as long as its
 * path does, and any route added later gets one without a table to maintain.
 *
 * <ul>
 *   <li><b>Service</b>: the first path segment after {@code /api/<version>/} (or {@code
 *       /ajax-api/<version>/}), skipping {@code preview}: {@code mlflow}, {@code mlflow-artifacts},
 *       {@code unity-catalog}, {@code keel}, {@code serving-endpoints}, {@code feature-store},
 *       {@code scim}. Outside {@code /api}: {@code open-inference} for the Open Inference Protocol
 *       ({@code /v2/...}), the first segment for longer paths ({@code
 *       /serving-endpoints/{name}/invocations}), {@code server} for one-segment paths ({@code
 *       /health}).
 *   <li><b>Resource words</b>: the literal segments after the service, lower-cased; path parameters
 *       and protocol versions ({@code v2}) are left out.
 *   <li><b>Verb</b>: none when the path ends with a literal segment that already names the
 *       operation (MLflow's RPC style: {@code runs/log-batch}, {@code experiments/get}; and {@code
 *       resolve}, {@code finalize}, {@code optimize}, {@code invocations}, ...: see {@link
 *       #OPERATION_WORDS}). Otherwise from the method: GET is {@code list} on a plural collection
 *       ({@code catalogs}, {@code versions}; not {@code alias}) and {@code get} otherwise; POST
 *       {@code create}; PUT {@code set}; PATCH {@code update}; DELETE {@code delete}.
 * </ul>
 *
 * <p>Examples: {@code POST /api/2.0/mlflow/runs/log-batch} is {@code mlflow.runs.log-batch}; {@code
 * DELETE /api/2.1/unity-catalog/tables/{full_name}} is {@code unity-catalog.tables.delete}; {@code
 * GET /api/2.1/unity-catalog/models/{full_name}/versions} is {@code
 * unity-catalog.models.versions.list}; {@code PUT .../models/{full_name}/aliases/{alias}} is {@code
 * unity-catalog.models.aliases.set}; {@code GET /api/2.0/mlflow/registered-models/alias} is {@code
 * mlflow.registered-models.alias.get}. Thread-safe.
 */
public final class AuditActions {
  /**
   * A route's action.
   *
   * @param service the service, e.g. {@code mlflow}
   * @param name the full action name, e.g. {@code mlflow.runs.log-batch}
   */
  public record Action(String service, String name) {}

  /**
   * Words that name an operation when they end a path (alone or as the first part of a hyphenated
   * word: {@code get-history}, {@code log-batch}, {@code remove-orphans}).
   */
  static final Set<String> OPERATION_WORDS =
      Set.of(
          "create",
          "get",
          "search",
          "update",
          "delete",
          "restore",
          "set",
          "log",
          "rename",
          "list",
          "resolve",
          "rebuild",
          "publish",
          "finalize",
          "infer",
          "optimize",
          "remove",
          "expire",
          "export",
          "preview",
          "count",
          "invocations");

  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");
  private static final Pattern PROTOCOL_VERSION = Pattern.compile("v\\d+");

  private static final Map<String, Action> CACHE = new ConcurrentHashMap<>();

  private AuditActions() {}

  /** The action of {@code method} on the route {@code path} (a template) in {@code dialect}. */
  public static Action of(String method, String path, Dialect dialect) {
    return CACHE.computeIfAbsent(
        method + ' ' + dialect + ' ' + path, k -> derive(method, path, dialect));
  }

  private static Action derive(String method, String path, Dialect dialect) {
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    String service;
    int from;
    if (segments.size() >= 2
        && (segments.get(0).equals("api") || segments.get(0).equals("ajax-api"))
        && VERSION.matcher(segments.get(1)).matches()) {
      from = 2;
      if (from < segments.size() && segments.get(from).equals("preview")) {
        from++;
      }
      service = from < segments.size() ? segments.get(from++) : "api";
    } else if (dialect == Dialect.OPEN_INFERENCE) {
      service = "open-inference";
      from = 0;
    } else if (segments.size() > 1) {
      service = segments.get(0);
      from = 1;
    } else {
      service = "server";
      from = 0;
    }
    service = service.toLowerCase(Locale.ROOT);
    List<String> words = new ArrayList<>();
    for (int i = from; i < segments.size(); i++) {
      String s = segments.get(i);
      if (parameter(s) || PROTOCOL_VERSION.matcher(s).matches()) {
        continue;
      }
      words.add(s.toLowerCase(Locale.ROOT));
    }
    String last = segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    boolean endsWithParameter = parameter(last);
    StringBuilder name = new StringBuilder(service);
    words.forEach(w -> name.append('.').append(w));
    String lastWord = words.isEmpty() ? service : words.get(words.size() - 1);
    if (endsWithParameter || words.isEmpty() || !operation(lastWord)) {
      name.append('.').append(verb(method, endsWithParameter, lastWord));
    }
    return new Action(service, name.toString());
  }

  private static boolean parameter(String segment) {
    return segment.startsWith("{") || segment.startsWith("<");
  }

  private static boolean operation(String word) {
    int dash = word.indexOf('-');
    return OPERATION_WORDS.contains(dash < 0 ? word : word.substring(0, dash));
  }

  /**
   * An English plural, roughly: {@code catalogs}, {@code aliases}; not {@code alias}, {@code
   * status}.
   */
  private static boolean plural(String word) {
    return word.endsWith("s")
        && !word.endsWith("ss")
        && !word.endsWith("us")
        && !word.endsWith("as")
        && !word.endsWith("is");
  }

  private static String verb(String method, boolean endsWithParameter, String lastWord) {
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "GET", "HEAD" -> !endsWithParameter && plural(lastWord) ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "set";
      case "PATCH" -> "update";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
  }
}
