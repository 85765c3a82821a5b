package dev.drelu.tracking;

import java.net.HttpURLConnection;
import java.net.URI;
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
    // a blocking connection, as for artifact uploads (MlflowGateway): java.net.http's client leaves
    // a selector thread in native code, and the JVM's exit waits 300 ms for it
    HttpURLConnection get = null;
    try {
      get = (HttpURLConnection) URI.create(stripSlash(trackingUri) + "/health").toURL().openConnection();
      get.setConnectTimeout((int) timeout.toMillis());
      get.setReadTimeout((int) timeout.toMillis());
      return get.getResponseCode() == 200;
    } catch (Exception e) {
      return false;
    } finally {
      if (get != null) {
        get.disconnect();
      }
    }
  }

  static String stripSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }
}
