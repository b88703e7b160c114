package dev.keel.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A model URI: {@code models:/catalog.schema.model/3} (a version) or {@code
 * models:/catalog.schema.model@champion} (an alias). {@link RegistryClient#resolve} turns one into
 * its {@link ModelVersion}.
 *
 * @param fullName the model's {@code catalog.schema.model}
 * @param version the version, when the URI names one
 * @param alias the alias, when the URI names one
 */
public record ModelUri(String fullName, OptionalLong version, Optional<String> alias) {
  /** The URI scheme and its slash. */
  public static final String PREFIX = "models:/";

  public ModelUri {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(alias, "alias");
    if (version.isPresent() == alias.isPresent()) {
      throw new IllegalArgumentException("a model URI names either a version or an alias");
    }
  }

  /** {@code models:/<fullName>/<version>}. */
  public static ModelUri ofVersion(String fullName, long version) {
    return new ModelUri(fullName, OptionalLong.of(version), Optional.empty());
  }

  /** {@code models:/<fullName>@<alias>}. */
  public static ModelUri ofAlias(String fullName, String alias) {
    return new ModelUri(fullName, OptionalLong.empty(), Optional.of(alias));
  }

  /**
   * Parses {@code models:/catalog.schema.model/<version>} or {@code
   * models:/catalog.schema.model@<alias>}.
   *
   * @throws IllegalArgumentException if {@code uri} is not of either form
   */
  public static ModelUri parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    String usage =
        " (expected models:/<catalog>.<schema>.<model>/<version> or"
            + " models:/<catalog>.<schema>.<model>@<alias>)";
    if (!uri.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "invalid model URI '" + uri + "': it must start with '" + PREFIX + "'" + usage);
    }
    String rest = uri.substring(PREFIX.length());
    int at = rest.indexOf('@');
    int slash = rest.indexOf('/');
    String name;
    ModelUri parsed;
    if (at >= 0 && (slash < 0 || slash > at)) {
      name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      if (alias.isEmpty() || !alias.matches("[\\w\\-]+")) {
        throw new IllegalArgumentException(
            "invalid model URI '"
                + uri
                + "': the alias must be letters, digits, '_' or '-'"
                + usage);
      }
      parsed = ofAlias(name, alias);
    } else if (slash >= 0) {
      name = rest.substring(0, slash);
      String v = rest.substring(slash + 1);
      long version;
      try {
        version = v.matches("[0-9]{1,18}") ? Long.parseLong(v) : 0;
      } catch (NumberFormatException e) {
        version = 0;
      }
      if (version < 1) {
        throw new IllegalArgumentException(
            "invalid model URI '"
                + uri
                + "': the version must be a positive integer, got '"
                + v
                + "'"
                + usage);
      }
      parsed = ofVersion(name, version);
    } else {
      throw new IllegalArgumentException(
          "invalid model URI '" + uri + "': it names no version or alias" + usage);
    }
    String[] parts = name.split("\\.", -1);
    if (parts.length != 3 || name.contains("/") || name.contains("@")) {
      throw new IllegalArgumentException(
          "invalid model URI '"
              + uri
              + "': the model name must have three parts, catalog.schema.model"
              + usage);
    }
    for (String p : parts) {
      if (p.isBlank()) {
        throw new IllegalArgumentException(
            "invalid model URI '" + uri + "': the model name has an empty part" + usage);
      }
    }
    return parsed;
  }

  @Override
  public String toString() {
    return PREFIX
        + fullName
        + (version.isPresent() ? "/" + version.getAsLong() : "@" + alias.orElseThrow());
  }
}
