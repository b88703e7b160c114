package dev.keel.catalog.identity;

import dev.keel.core.KeelException;
import java.util.Locale;
import java.util.Map;

/**
 * The SCIM filters Keel supports: one comparison {@code attribute eq "value"} on the name
 * attribute, {@code displayName}, {@code id} or {@code externalId} (attribute names ignore case, as
 * SCIM says). Anything else is refused with a 400 that names what is not supported.
 */
final class ScimFilter {
  private ScimFilter() {}

  private static final Map<Identity.Kind, Map<String, String>> ATTRIBUTES =
      Map.of(
          Identity.Kind.USER,
              Map.of(
                  "username", "name",
                  "displayname", "display_name",
                  "id", "id",
                  "externalid", "external_id"),
          Identity.Kind.GROUP,
              Map.of("displayname", "name", "id", "id", "externalid", "external_id"),
          Identity.Kind.SERVICE_PRINCIPAL,
              Map.of(
                  "applicationid", "name",
                  "displayname", "display_name",
                  "id", "id",
                  "externalid", "external_id"));

  /** Parses {@code text} for identities of {@code kind}. */
  static IdentityStore.Filter parse(Identity.Kind kind, String text) {
    String s = text.strip();
    int i = 0;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    String attribute = s.substring(0, i);
    s = s.substring(i).stripLeading();
    i = 0;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    String operator = s.substring(0, i);
    String rest = s.substring(i).strip();
    if (attribute.isEmpty() || operator.isEmpty()) {
      throw bad("expected 'attribute eq \"value\"', got '" + text + "'");
    }
    String column = ATTRIBUTES.get(kind).get(attribute.toLowerCase(Locale.ROOT));
    if (!operator.equalsIgnoreCase("eq")) {
      throw bad(
          "the operator '"
              + operator
              + "' is not supported; Keel supports only 'eq' (attribute eq \"value\")");
    }
    if (column == null) {
      throw bad(
          "the attribute '"
              + attribute
              + "' cannot be filtered on; use one of "
              + String.join(", ", names(kind)));
    }
    if (rest.length() < 2 || rest.charAt(0) != '"') {
      throw bad("the value must be a quoted string, got '" + rest + "'");
    }
    StringBuilder value = new StringBuilder();
    int j = 1;
    for (; j < rest.length(); j++) {
      char c = rest.charAt(j);
      if (c == '\\' && j + 1 < rest.length()) {
        value.append(rest.charAt(++j));
      } else if (c == '"') {
        break;
      } else {
        value.append(c);
      }
    }
    if (j >= rest.length()) {
      throw bad("the value's closing quote is missing");
    }
    String after = rest.substring(j + 1).strip();
    if (!after.isEmpty()) {
      String word = after.split("\\s+")[0];
      throw bad(
          "the operator '"
              + word
              + "' is not supported; Keel supports one comparison (attribute eq \"value\")");
    }
    return new IdentityStore.Filter(column, value.toString());
  }

  private static java.util.List<String> names(Identity.Kind kind) {
    return switch (kind) {
      case USER -> java.util.List.of("userName", "displayName", "id", "externalId");
      case GROUP -> java.util.List.of("displayName", "id", "externalId");
      case SERVICE_PRINCIPAL ->
          java.util.List.of("applicationId", "displayName", "id", "externalId");
    };
  }

  private static KeelException bad(String why) {
    return KeelException.invalid("'filter': " + why + ".");
  }
}
