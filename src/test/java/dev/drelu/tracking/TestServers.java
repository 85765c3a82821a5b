package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.tracking.MlflowClient;

/** The real MLflow servers the tracking tests talk to, and ways to read back what they hold. */
final class TestServers {
  private TestServers() {}

  /** The shared test server that ci/test.sh starts; fails the test (not skips) when absent. */
  static String sharedUri() {
    String uri = System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank()) {
      fail("MLFLOW_TRACKING_URI is not set: the tracking tests need a real MLflow server;"
          + " run them through ci/test.sh, which starts one, or start one with"
          + " tracking/mlflow-server.sh start and export MLFLOW_TRACKING_URI=$(tracking/mlflow-server.sh uri)");
    }
    if (!MlflowHealth.isUp(uri, Duration.ofSeconds(5))) {
      fail("MLFLOW_TRACKING_URI=" + uri + " does not answer GET /health; start the server"
          + " (tracking/mlflow-server.sh start) or run the tests through ci/test.sh");
    }
    return uri;
  }

  /** A loopback URI where nothing listens: a server that is down. */
  static String deadUri() throws IOException {
    return "http://127.0.0.1:" + freePort();
  }

  static int freePort() throws IOException {
    return dev.drelu.testing.LocalPorts.free();
  }

  static String uniqueExperiment(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** A per-test temp folder under target/ (kept after the run for inspection). */
  static Path tempDir(String name) throws IOException {
    Path base = Path.of(System.getProperty("drelu.test.tmp", "target/test-tmp"));
    return Files.createDirectories(base.resolve(name + "-" + UUID.randomUUID()));
  }

  static Map<String, String> params(MlflowClient c, String runId) {
    Run r = c.getRun(runId);
    return r.getData().getParamsList().stream().collect(Collectors.toMap(p -> p.getKey(), p -> p.getValue()));
  }

  static Map<String, String> tags(MlflowClient c, String runId) {
    Run r = c.getRun(runId);
    return r.getData().getTagsList().stream().collect(Collectors.toMap(t -> t.getKey(), t -> t.getValue()));
  }

  /** step -> value of a metric's full history; fails on a duplicated step (a replay duplicate). */
  static Map<Long, Double> history(MlflowClient c, String runId, String key) {
    Map<Long, Double> out = new HashMap<>();
    c.getMetricHistory(runId, key).forEach(m -> {
      if (out.put(m.getStep(), m.getValue()) != null) {
        fail("metric " + key + " of run " + runId + " has step " + m.getStep() + " twice");
      }
    });
    return out;
  }

  static String downloadArtifact(String uri, String runId, String path) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(uri + "/get-artifact?run_id=" + runId + "&path=" + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), "GET artifact " + path + " of run " + runId + ": " + res.body());
    return res.body();
  }

  static List<MetricPoint> steps(String key, double... values) {
    MetricPoint[] out = new MetricPoint[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = MetricPoint.of(key, values[i], i);
    }
    return List.of(out);
  }
}
