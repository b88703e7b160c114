package dev.keel.core;

import java.util.List;

/**
 * The settings one module owns. The composition root lists every module's section, so adding a
 * setting edits only its module.
 *
 * @param name the module, e.g. {@code serving}
 * @param settings its settings
 */
public record ConfigSection(String name, List<Setting<?>> settings) {
  public ConfigSection {
    settings = List.copyOf(settings);
  }
}
