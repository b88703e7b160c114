package dev.keel.core;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration setting a module owns: its key (the {@code --conf key=value} name and the
 * config-file key), its {@code KEEL_*} environment variable (derived from the key), its default and
 * how a value is checked. Modules declare their settings as constants and list them in a {@link
 * ConfigSection}; {@link KeelConfig#get} reads them.
 *
 * @param key the key, lower-case words joined by {@code -} and {@code .}, e.g. {@code
 *     serving.inference-log.queue}
 * @param description one line for {@code keel server --help} and the docs
 * @param defaultValue the value when no source sets it
 * @param parser turns the text into a value; throws {@link IllegalArgumentException} with the
 *     reason for a bad one
 * @param <T> the value type
 */
public record Setting<T>(
    String key, String description, T defaultValue, Function<String, T> parser) {
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(parser, "parser");
    if (!key.matches("[a-z][a-z0-9]*([.-][a-z][a-z0-9]*)*")) {
      throw new IllegalArgumentException("setting key " + key + " is not lower-case words");
    }
  }

  /**
   * The environment variable: {@code KEEL_} and the key upper-cased, {@code .} and {@code -} as
   * {@code _}.
   */
  public String env() {
    return "KEEL_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Parses {@code text} from {@code source}.
   *
   * @throws KeelException INVALID_ARGUMENT naming the key, the source and the reason
   */
  public T parse(String text, String source) {
    try {
      return parser.apply(text.trim());
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          key + " (from " + source + ") is not valid: " + e.getMessage() + ", got '" + text + "'");
    }
  }

  /** A text setting. */
  public static Setting<String> text(String key, String description, String defaultValue) {
    return new Setting<>(key, description, defaultValue, s -> s);
  }

  /** An integer setting within {@code [min, max]}. */
  public static Setting<Integer> integer(
      String key, String description, int defaultValue, int min, int max) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        s -> {
          int v;
          try {
            v = Integer.parseInt(s);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number");
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
          }
          return v;
        });
  }
}
