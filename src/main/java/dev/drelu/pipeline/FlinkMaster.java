package dev.drelu.pipeline;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote Flink session cluster's JobManager, as {@code --flink-master HOST:PORT} names it: the
 * address of its REST API, where Beam submits the job.
 *
 * @param host a host name or IPv4 address
 * @param port the REST port (Flink's default is 8081)
 */
public record FlinkMaster(String host, int port) {
  private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\\d{1,5})");
  private static final Pattern SLOTS = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  public FlinkMaster {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--flink-master port must be 1-65535, but was: " + port);
    }
  }

  /**
   * @param text HOST:PORT
   * @throws IllegalArgumentException saying what the form should be
   */
  public static FlinkMaster parse(String text) {
    Matcher m = HOST_PORT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("--flink-master must be HOST:PORT of the JobManager's REST API"
          + " (e.g. 127.0.0.1:8081), but was: '" + text + "'");
    }
    return new FlinkMaster(m.group(1), Integer.parseInt(m.group(3)));
  }

  /** @return HOST:PORT, as Beam's {@code --flinkMaster} takes it */
  @Override
  public String toString() {
    return host + ":" + port;
  }

  /**
   * Asks the JobManager's REST API ({@code GET /overview}) how many task slots the cluster has;
   * also the check that it is there at all, before any work starts.
   *
   * @return the cluster's total task slots (0 while no TaskManager has registered)
   * @throws IllegalStateException one line saying what did not answer and what to check
   */
  public int totalSlots() {
    URI uri = URI.create("http://" + this + "/overview");
    String where = "--flink-master " + this + ": no Flink JobManager answers at " + uri;
    String hint = "; start the cluster (ci/flink-cluster.sh start) or check the host and the REST port (rest.port)";
    HttpResponse<String> res;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      res = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new IllegalStateException(where + " (no answer within " + TIMEOUT.toSeconds() + " s)" + hint, e);
    } catch (ConnectException e) {
      throw new IllegalStateException(where + " (connection refused)" + hint, e);
    } catch (IOException e) {
      throw new IllegalStateException(where + " (" + e + ")" + hint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(where + " (interrupted)", e);
    }
    Matcher m = SLOTS.matcher(res.body());
    if (res.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("--flink-master " + this + ": " + uri + " answered HTTP " + res.statusCode()
          + " without a slot count, so it is not a Flink 1.19 JobManager's REST API; check the port");
    }
    return Integer.parseInt(m.group(1));
  }
}
