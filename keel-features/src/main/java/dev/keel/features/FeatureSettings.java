package dev.keel.features;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.util.List;

/** The feature store's settings. */
public final class FeatureSettings {
  private FeatureSettings() {}

  /** The online store: {@code embedded} (in the data dir) or {@code redis://host:port[/db]}. */
  public static final Setting<String> ONLINE_STORE =
      new Setting<>(
          "online-store",
          "Online feature store: embedded (in the data dir) or redis://host:port[/db]",
          "embedded",
          s -> {
            if (s.isEmpty() || s.equals("embedded")) {
              return "embedded";
            }
            if (s.startsWith("redis://") || s.startsWith("rediss://")) {
              return s;
            }
            throw new IllegalArgumentException("must be embedded or a redis:// URL");
          });

  /** Every feature-store setting. */
  public static final ConfigSection SECTION = new ConfigSection("features", List.of(ONLINE_STORE));
}
