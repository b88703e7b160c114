package dev.keel.client;

import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * TLS settings for the {@link HttpClient} of a client whose server URL is {@code http://}.
 *
 * <p>A JDK {@link HttpClient} built without an {@link SSLContext} initialises the JVM's default one
 * ({@link SSLContext#getDefault()}: the security providers and the whole trust store) when it is
 * created, even if it only ever speaks plain HTTP: about a third of the main thread's time in a
 * {@code keel experiments list}. For a plain-HTTP server this class hands the client a context that
 * becomes the default one on first use only, and empty {@link SSLParameters} (the engine's
 * defaults; the client itself turns on host name verification and ALPN per connection), so nothing
 * of TLS is loaded unless a TLS connection is made. A client for an {@code https://} server gets
 * the JDK's defaults, unchanged.
 */
final class LazyTls {
  private LazyTls() {}

  /**
   * Configures {@code builder} for a server at {@code baseUrl}: the lazy context for {@code
   * http://}, nothing (the JDK's default context) otherwise.
   */
  static HttpClient.Builder configure(HttpClient.Builder builder, String baseUrl) {
    if (baseUrl.regionMatches(true, 0, "http:", 0, 5)) {
      builder.sslContext(new LazyContext()).sslParameters(new SSLParameters());
    }
    return builder;
  }

  /** An {@link SSLContext} that is the JVM's default one, looked up on first use. */
  static final class LazyContext extends SSLContext {
    LazyContext() {
      super(new Spi(), PROVIDER, "Default");
    }
  }

  private static final Provider PROVIDER =
      new Provider("KeelLazyTls", "1", "The JVM's default SSLContext, initialised on first use") {
        private static final long serialVersionUID = 1L;
      };

  private static final class Spi extends SSLContextSpi {
    private volatile SSLContext real;

    private SSLContext real() {
      SSLContext r = real;
      if (r == null) {
        try {
          r = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("no default TLS context: " + e.getMessage(), e);
        }
        real = r;
      }
      return r;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("the default TLS context is initialised by the JVM");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
