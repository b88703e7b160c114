package dev.keel.http;

/**
 * The guard that authenticates requests (sets the {@link Caller} from their credentials). {@link
 * HttpServer} warns at start when a server other machines can reach has none that {@link
 * #authenticates()}.
 */
public interface Authenticator extends RouteGuard {
  /** True when requests without valid credentials are refused (outside open routes). */
  boolean authenticates();
}
