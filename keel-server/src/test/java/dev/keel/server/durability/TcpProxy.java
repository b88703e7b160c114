package dev.keel.server.durability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a loopback port to a real service (PostgreSQL, Redis) that a test can {@link #cut}
 * (every connection closed, new ones refused: the service is down) and {@link #restore} on the same
 * port, without touching the shared service itself.
 */
final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  private final int port;

  TcpProxy(String host, int targetPort) throws IOException {
    this.target = new InetSocketAddress(host, targetPort);
    this.listener = bind(0);
    this.port = listener.getLocalPort();
    accept(listener);
  }

  int port() {
    return port;
  }

  /** Closes every proxied connection and refuses new ones. */
  synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
    open.clear();
  }

  /** Accepts connections again, on the same port. */
  synchronized void restore() throws IOException {
    listener = bind(port);
    accept(listener);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    return s;
  }

  private void accept(ServerSocket server) {
    Thread.ofPlatform()
        .daemon()
        .name("tcp-proxy-accept")
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  if (!register(server, client)) {
                    return;
                  }
                  Socket upstream = new Socket();
                  if (!register(server, upstream)) {
                    close(client);
                    return;
                  }
                  try {
                    upstream.connect(target, 2_000);
                  } catch (IOException refused) {
                    close(client);
                    close(upstream);
                    continue;
                  }
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed by cut() or close(), or the service refused: the client sees EOF
                }
              }
            });
  }

  /**
   * Tracks a socket for {@link #cut}, or closes it when the listener that accepted it was closed
   * meanwhile: a connection accepted just before a cut must not outlive it (it once let a readiness
   * check pass with the database "down").
   */
  private synchronized boolean register(ServerSocket server, Socket s) throws IOException {
    if (server.isClosed()) {
      s.close();
      return false;
    }
    open.add(s);
    return true;
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .name("tcp-proxy-pump")
        .start(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                close(from);
                close(to);
              }
            });
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
