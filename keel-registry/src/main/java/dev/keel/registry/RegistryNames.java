package dev.keel.registry;

import dev.keel.catalog.Names;
import dev.keel.core.KeelException;
import dev.keel.core.Validate;
import java.util.Locale;
import java.util.regex.Pattern;

/** Owns the registry's name rules: three-level model names and alias names. */
final class RegistryNames {
  private static final Pattern ALIAS = Pattern.compile("^[\\w\\-]*$");
  private static final Pattern VERSION_ALIAS = Pattern.compile("^[vV]\\d+$");

  private RegistryNames() {}

  /** See {@link RegistryService#fullName}. */
  static String[] fullName(String field, String fullName) {
    if (fullName == null || fullName.isEmpty()) {
      throw KeelException.missing(field);
    }
    if (fullName.split("\\.", -1).length != 3) {
      throw KeelException.invalid(
          "'"
              + field
              + "' must be a three-level name catalog.schema.model (for example"
              + " main.default.my_model); got '"
              + abbreviate(fullName)
              + "'.");
    }
    return Names.checkFullName(field, fullName, 3);
  }

  /** The checked full name, joined again. */
  static String joined(String field, String name) {
    return String.join(".", fullName(field, name));
  }

  /** See {@link RegistryService#alias}. */
  static String alias(String alias) {
    Validate.required("alias", alias);
    if (alias.length() > RegistryService.MAX_ALIAS) {
      throw KeelException.invalid(
          "'alias' is too long: at most "
              + RegistryService.MAX_ALIAS
              + " characters (got "
              + alias.length()
              + ").");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw KeelException.invalid(
          "Invalid alias '"
              + abbreviate(alias)
              + "': aliases may only contain letters, digits, underscores (_) and hyphens (-).");
    }
    if (alias.equalsIgnoreCase("latest")) {
      throw KeelException.invalid("'latest' is a reserved alias name.");
    }
    if (VERSION_ALIAS.matcher(alias).matches()) {
      throw KeelException.invalid(
          "Alias '" + alias + "' is reserved: v<digits> names a version number.");
    }
    return alias.toLowerCase(Locale.ROOT);
  }

  /** {@code s} cut to 80 characters for error messages. */
  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
