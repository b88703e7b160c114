package dev.keel.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Keel's version, read once from the build's {@code version.properties}. */
public final class KeelVersion {
  private static final String VERSION = read();

  private KeelVersion() {}

  /** The version, such as {@code 0.1.0-SNAPSHOT}; {@code unknown} outside a build. */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    Properties p = new Properties();
    try (InputStream in = KeelVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
