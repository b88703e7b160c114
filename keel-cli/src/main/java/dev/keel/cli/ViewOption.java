package dev.keel.cli;

import dev.keel.client.ViewType;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --view}: {@code active}, {@code deleted}, {@code all} (or the wire names). */
final class ViewOption implements ITypeConverter<ViewType> {
  static final String DESCRIPTION =
      "Lifecycle stages to list: active, deleted or all (default: active).";

  @Override
  public ViewType convert(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "active", "active_only" -> ViewType.ACTIVE_ONLY;
      case "deleted", "deleted_only" -> ViewType.DELETED_ONLY;
      case "all" -> ViewType.ALL;
      default ->
          throw new TypeConversionException(
              "'" + value + "' is not a view; use active, deleted or all");
    };
  }
}
