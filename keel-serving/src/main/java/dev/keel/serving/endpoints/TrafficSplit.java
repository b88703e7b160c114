package dev.keel.serving.endpoints;

import java.util.List;

/**
 * Weighted choice between served entities by their traffic percentages. Immutable and thread-safe;
 * the caller supplies the uniform random number, so tests can drive it deterministically.
 */
public final class TrafficSplit {
  private final String[] names;
  private final int[] upper;

  /**
   * A split over these routes (percentages summing to 100; routes at 0% are never picked).
   *
   * @throws IllegalArgumentException if the percentages do not sum to 100
   */
  public TrafficSplit(List<EndpointConfig.Route> routes) {
    names = new String[routes.size()];
    upper = new int[routes.size()];
    int sum = 0;
    for (int i = 0; i < routes.size(); i++) {
      sum += routes.get(i).trafficPercentage();
      names[i] = routes.get(i).servedEntityName();
      upper[i] = sum;
    }
    if (sum != 100) {
      throw new IllegalArgumentException("traffic percentages sum to " + sum + ", not 100");
    }
  }

  /**
   * The entity for a uniform random number {@code u} in [0, 1): entity {@code i} is picked when
   * {@code u * 100} falls in its share.
   */
  public String pick(double u) {
    double x = u * 100;
    for (int i = 0; i < upper.length; i++) {
      if (x < upper[i]) {
        return names[i];
      }
    }
    for (int i = upper.length - 1; i >= 0; i--) {
      if (i == 0 || upper[i] > upper[i - 1]) {
        return names[i];
      }
    }
    return names[0];
  }
}
