package dev.keel.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Generates ids. Thread-safe. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /** 32 lower-case hex characters (128 random bits), MLflow's run id shape. */
  public static String hex32() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }

  /** A random int in [0, bound). */
  public static int nextInt(int bound) {
    return RANDOM.nextInt(bound);
  }
}
