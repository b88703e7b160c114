package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The outage tests are only as good as their proxy: a cut must leave no connection alive. */
class TcpProxyTest {

  @Test
  void no_connection_accepted_around_a_cut_outlives_it() throws Exception {
    try (ServerSocket upstream = new ServerSocket(0, 512, InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().start(() -> holdOpen(upstream));
      for (int round = 0; round < 20; round++) {
        TcpProxy proxy = new TcpProxy("127.0.0.1", upstream.getLocalPort());
        List<Socket> clients = new CopyOnWriteArrayList<>();
        AtomicBoolean connecting = new AtomicBoolean(true);
        Thread dialer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (connecting.get()) {
                        try {
                          clients.add(new Socket("127.0.0.1", proxy.port()));
                        } catch (IOException refused) {
                          // the cut came first
                        }
                      }
                    });
        Thread.sleep(5);
        proxy.cut();
        connecting.set(false);
        dialer.join();
        for (Socket c : clients) {
          assertThat(readsEof(c)).as("a connection made before the cut is closed").isTrue();
          c.close();
        }
        proxy.close();
      }
    }
  }

  private static boolean readsEof(Socket c) throws IOException {
    c.setSoTimeout(2_000);
    try (InputStream in = c.getInputStream()) {
      return in.read() < 0;
    } catch (SocketTimeoutException alive) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static void holdOpen(ServerSocket upstream) {
    List<Socket> held = new CopyOnWriteArrayList<>();
    while (!upstream.isClosed()) {
      try {
        held.add(upstream.accept()); // a quiet service: it never answers or closes
      } catch (IOException closed) {
        return;
      }
    }
  }
}
