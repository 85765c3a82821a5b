package dev.drelu.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports on the loopback interface that nothing listens on (yet). */
public final class LocalPorts {
  private LocalPorts() {}

  /** @return a port the system just handed out and released: free for a server the test starts */
  public static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
