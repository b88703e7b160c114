package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client for an {@code http://} server does not set up TLS (which cost about a third of a CLI
 * command's main thread); one for {@code https://} still uses the JVM's default TLS context.
 *
 * <p>The JVM's default {@link SSLContext} is made once per JVM, so each case runs in a child JVM
 * whose trust store is an unreadable file: creating the default context there fails, so a client
 * that touches it fails too.
 */
class LazyTlsTest {
  @TempDir Path tmp;

  /** Child JVM: {@code args[0]} is the URL; prints the server's version or the error, exits 0/1. */
  public static void main(String[] args) {
    try (KeelClient c = new KeelClient(args[0])) {
      System.out.println(args.length > 1 ? "created" : "version " + c.serverVersion());
      System.exit(0);
    } catch (RuntimeException e) {
      e.printStackTrace(System.out);
      System.exit(1);
    }
  }

  private record Child(int exit, String output) {}

  private Child child(String... args) throws IOException, InterruptedException {
    Path badTrustStore = tmp.resolve("not-a-keystore.jks");
    Files.writeString(badTrustStore, "not a key store");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String[] cmd = new String[5 + args.length];
    cmd[0] = java.toString();
    cmd[1] = "-Djavax.net.ssl.trustStore=" + badTrustStore;
    cmd[2] = "-cp";
    cmd[3] = System.getProperty("java.class.path");
    cmd[4] = LazyTlsTest.class.getName();
    System.arraycopy(args, 0, cmd, 5, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Child(p.exitValue(), out);
  }

  @Test
  void a_client_for_an_http_server_works_without_touching_the_jvms_tls_setup() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/version",
        ex -> {
          byte[] b = "9.9.9-test".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    try {
      Child c = child("http://127.0.0.1:" + server.getAddress().getPort());
      assertThat(c.output()).contains("version 9.9.9-test");
      assertThat(c.exit()).isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_client_for_an_https_server_still_uses_the_jvms_default_tls_context() throws Exception {
    Child c = child("https://127.0.0.1:1", "create-only");
    assertThat(c.exit()).as(c.output()).isEqualTo(1);
    assertThat(c.output()).contains("trust store").doesNotContain("created");
  }

  @Test
  void the_lazy_context_is_the_default_one_once_used() throws Exception {
    SSLContext lazy = new LazyTls.LazyContext();
    SSLContext real = SSLContext.getDefault();
    assertThat(lazy.getDefaultSSLParameters().getProtocols())
        .containsExactly(real.getDefaultSSLParameters().getProtocols());
    assertThat(lazy.getClientSessionContext()).isSameAs(real.getClientSessionContext());
    SSLEngine engine = lazy.createSSLEngine("example.org", 443);
    assertThat(engine.getPeerHost()).isEqualTo("example.org");
    assertThat(lazy.getSocketFactory().getDefaultCipherSuites())
        .containsExactly(real.getSocketFactory().getDefaultCipherSuites());
  }
}
