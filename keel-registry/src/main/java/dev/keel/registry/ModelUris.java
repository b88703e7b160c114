package dev.keel.registry;

import static dev.keel.registry.RegistryNames.abbreviate;
import static dev.keel.registry.RegistryNames.joined;
import static dev.keel.registry.RegistryService.MODELS_SCHEME;

import dev.keel.core.KeelException;
import dev.keel.core.Validate;
import java.util.regex.Pattern;

/** Owns model URIs: {@code models:/<name>/<version>} and {@code models:/<name>@<alias>}. */
final class ModelUris {
  private static final Pattern VERSION_NUMBER = Pattern.compile("[1-9][0-9]{0,17}");

  private final VersionOps versions;
  private final AliasOps aliases;

  ModelUris(VersionOps versions, AliasOps aliases) {
    this.versions = versions;
    this.aliases = aliases;
  }

  ModelVersion resolve(String uri) {
    Validate.required("uri", uri);
    if (!uri.startsWith(MODELS_SCHEME) || uri.startsWith(MODELS_SCHEME + "/")) {
      throw badUri(uri);
    }
    String rest = uri.substring(MODELS_SCHEME.length());
    int at = rest.indexOf('@');
    ModelVersion v;
    if (at >= 0) {
      String name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      if (name.isEmpty() || alias.isEmpty() || name.contains("/")) {
        throw badUri(uri);
      }
      joined("name", name);
      v = aliases.versionByAlias(name, alias);
    } else {
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash != rest.lastIndexOf('/')) {
        throw badUri(uri);
      }
      String name = rest.substring(0, slash);
      String version = rest.substring(slash + 1);
      if (!VERSION_NUMBER.matcher(version).matches()) {
        throw KeelException.invalid(
            "Invalid model URI '"
                + abbreviate(uri)
                + "': '"
                + abbreviate(version)
                + "' is not a version number (Keel resolves models:/<name>/<version> and"
                + " models:/<name>@<alias>; not 'latest' or stages).");
      }
      v = versions.getVersion(name, Long.parseLong(version));
    }
    return VersionRegistration.requireReady(v);
  }

  private static KeelException badUri(String uri) {
    return KeelException.invalid(
        "Invalid model URI '"
            + abbreviate(uri)
            + "': expected models:/<catalog>.<schema>.<model>/<version> or"
            + " models:/<catalog>.<schema>.<model>@<alias>.");
  }
}
