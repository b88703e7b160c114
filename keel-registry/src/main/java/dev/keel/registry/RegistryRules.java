package dev.keel.registry;

import dev.keel.catalog.CatalogService;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.Validate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Owns the registry's request rules shared by models and versions: comments, tags, paging, order.
 */
final class RegistryRules {
  private RegistryRules() {}

  static void checkComment(String comment) {
    Validate.maxLength("description", comment, CatalogService.MAX_COMMENT);
  }

  static void checkTag(String key, String value) {
    Validate.key("key", key);
    if (value == null) {
      throw KeelException.missing("value");
    }
    Validate.maxLength("value", value, RegistryService.MAX_TAG_VALUE);
  }

  /** {@link #checkTag}, and the key is not one Keel writes itself ({@code keel.servable}...). */
  static void checkUserTag(String key, String value) {
    checkTag(key, value);
    checkNotReserved(key);
  }

  /** Refuses the version tags Keel itself writes at registration. */
  static void checkNotReserved(String key) {
    if (RegistryService.SYSTEM_TAGS.contains(key)) {
      throw KeelException.invalid(
          "Invalid tag key '"
              + key
              + "': Keel sets it when it registers a version (it records whether and how Keel"
              + " can serve the model); it cannot be set or removed.");
    }
  }

  static int size(OptionalLong maxResults, int dflt, int max) {
    if (maxResults.isEmpty() || maxResults.getAsLong() == 0) {
      return dflt;
    }
    long m = maxResults.getAsLong();
    if (m < 0 || m > max) {
      throw KeelException.invalid(
          "Invalid value " + m + " for parameter 'max_results': it must be 1 to " + max + ".");
    }
    return (int) m;
  }

  static SortOrder order(List<String> orderBy, boolean versions) {
    if (orderBy.isEmpty()) {
      return versions ? new SortOrder("name", true) : SortOrder.byName();
    }
    if (orderBy.size() > 1) {
      throw KeelException.invalid("'order_by' supports one column.");
    }
    String[] p = orderBy.get(0).trim().split("\\s+");
    String col = p[0].toLowerCase(Locale.ROOT);
    if (col.startsWith("attribute.")) {
      col = col.substring("attribute.".length());
    }
    if (col.equals("timestamp")) {
      col = "creation_timestamp";
    }
    List<String> allowed =
        versions
            ? List.of("name", "version_number", "creation_timestamp", "last_updated_timestamp")
            : List.of("name", "creation_timestamp", "last_updated_timestamp");
    if (!allowed.contains(col) || p.length > 2) {
      throw KeelException.invalid(
          "Invalid order_by '" + orderBy.get(0) + "': order by one of " + allowed + ".");
    }
    boolean asc = true;
    if (p.length == 2) {
      if (p[1].equalsIgnoreCase("DESC")) {
        asc = false;
      } else if (!p[1].equalsIgnoreCase("ASC")) {
        throw KeelException.invalid("Invalid order_by direction '" + p[1] + "'.");
      }
    }
    return new SortOrder(col, asc);
  }

  /** The first {@code limit} of {@code rows} (read with one extra), with a next token if more. */
  static <T> Page<T> page(List<T> rows, int limit, long offset) {
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    return new Page<>(
        new ArrayList<>(rows.subList(0, limit)), Optional.of(PageToken.ofOffset(offset + limit)));
  }
}
