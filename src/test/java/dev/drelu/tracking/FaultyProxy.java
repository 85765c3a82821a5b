package dev.drelu.tracking;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through HTTP proxy in front of the real MLflow server that answers 503 once a chosen
 * kind of request has passed a given number of times: the server "dies" at an exact point of a sync. Not a mock: every request
 * it lets through is served by MLflow.
 */
final class FaultyProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger seen = new AtomicInteger();
  private final String failOn;
  private final int allowed;
  private volatile boolean down;

  /**
   * @param target the real server
   * @param failOn path ending of the requests to count, e.g. {@code "/runs/create"}
   * @param allowed how many of those pass; the next one and every request after it get 503
   */
  FaultyProxy(String target, String failOn, int allowed) throws IOException {
    this.failOn = failOn;
    this.allowed = allowed;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> handle(ex, target));
    server.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex, String target) throws IOException {
    try (ex) {
      if (ex.getRequestURI().getPath().endsWith(failOn) && seen.incrementAndGet() > allowed) {
        down = true;
      }
      if (down) {
        byte[] body = "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"injected outage\"}".getBytes();
        ex.sendResponseHeaders(503, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      byte[] in = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
          .method(ex.getRequestMethod(), in.length == 0 && "GET".equals(ex.getRequestMethod())
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(in));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        req.header("Content-Type", type);
      }
      HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      res.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
      ex.sendResponseHeaders(res.statusCode(), res.body().length == 0 ? -1 : res.body().length);
      ex.getResponseBody().write(res.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
