package dev.drelu.tracking;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks an MLflow server whether it is up, without the MLflow client's unbounded waits. */
public final class MlflowHealth {
  private MlflowHealth() {}

  /**
   * True if {@code GET <uri>/health} answers 200 within the timeout.
   *
   * @param trackingUri http(s) URI of the server, e.g. {@code http://127.0.0.1:5117}
   * @param timeout how long to wait for connect plus answer
   * @return false for any failure (refused, timeout, non-200, malformed URI)
   */
  public static boolean isUp(String trackingUri, Duration timeout) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(stripSlash(trackingUri) + "/health"))
              .timeout(timeout)
              .GET()
              .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  static String stripSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }
}
