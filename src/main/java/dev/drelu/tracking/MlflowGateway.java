package dev.drelu.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;

/**
 * The calls drelu makes to one MLflow server, with failures sorted into "server unavailable"
 * ({@link ServerUnavailableException}: journal, retry later) and "request invalid" ({@link
 * RequestRejectedException}: retrying would not help). Shared by the live tracker and the replayer.
 */
final class MlflowGateway implements Closeable {
  private static final String ARTIFACT_SCHEME = "mlflow-artifacts";
  private static final String ARTIFACT_PROXY = "/api/2.0/mlflow-artifacts/artifacts/";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String uri;
  private final MlflowClient client;
  private final Map<String, String> experimentIds = new ConcurrentHashMap<>();
  private final Map<String, RunInfo> runs = new ConcurrentHashMap<>();

  MlflowGateway(String trackingUri) {
    this.uri = MlflowHealth.stripSlash(trackingUri);
    this.client = new MlflowClient(uri);
  }

  String uri() {
    return uri;
  }

  /** The id of the named experiment, created if missing. */
  String experimentId(String name) {
    String cached = experimentIds.get(name);
    if (cached != null) {
      return cached;
    }
    String id = call("get or create experiment '" + name + "'", () -> {
      Optional<String> found = findExperiment(name);
      if (found.isPresent()) {
        return found.get();
      }
      try {
        return client.createExperiment(name);
      } catch (MlflowHttpException e) {
        // Another worker created it between our get and create.
        if (e.getStatusCode() / 100 == 4) {
          return findExperiment(name).orElseThrow(() -> e);
        }
        throw e;
      }
    });
    experimentIds.put(name, id);
    return id;
  }

  // Search, not get-by-name: the client answers a 404 with retries and "Rate limit exceeded"
  // warnings, and a missing experiment is the normal case the first time.
  private Optional<String> findExperiment(String name) {
    if (name.contains("'")) {
      return client.getExperimentByName(name).map(e -> e.getExperimentId());
    }
    return client.searchExperiments("name = '" + name + "'").getItems().stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getExperimentId())
        .findFirst();
  }

  /** Creates a run; the parent goes in as MLflow's parent tag, the name as the run name. */
  String createRun(String experimentId, String runName, String parentRunId, Map<String, String> tags, long startMillis) {
    Map<String, String> all = new HashMap<>(tags);
    if (parentRunId != null) {
      all.put(Tracker.PARENT_RUN_ID_TAG, parentRunId);
    }
    if (runName != null) {
      all.put(Tracker.RUN_NAME_TAG, runName);
    }
    ObjectNode req = JSON.createObjectNode().put("experiment_id", experimentId).put("start_time", startMillis);
    if (runName != null) {
      req.put("run_name", MlflowLimits.truncate(runName, MlflowLimits.MAX_KEY));
    }
    addEntries(req.putArray("tags"), MlflowLimits.tags(all).entrySet());
    String what = "create run '" + runName + "'";
    JsonNode answer = post(what, "runs/create", req).path("run").path("info");
    String runId = answer.path("run_id").asText("");
    if (runId.isEmpty()) {
      throw new ServerUnavailableException(what + ": the server's answer names no run id: " + answer, null);
    }
    runs.put(runId, RunInfo.newBuilder().setRunId(runId)
        .setExperimentId(answer.path("experiment_id").asText(experimentId))
        .setArtifactUri(answer.path("artifact_uri").asText("")).build());
    return runId;
  }

  /** A live run in the experiment whose tag {@code key} equals {@code value}, if any. */
  Optional<String> findRunByTag(String experimentId, String key, String value) {
    String filter = "tags.`" + key + "` = '" + value.replace("'", "\\'") + "'";
    List<RunInfo> found = call("search runs", () -> client.searchRuns(List.of(experimentId), filter));
    found.forEach(r -> runs.put(r.getRunId(), r));
    return found.stream().map(RunInfo::getRunId).findFirst();
  }

  /** Every active run of the experiment that matches an MLflow search filter, all pages. */
  List<Run> searchRuns(String experimentId, String filter) {
    return call("search runs of experiment " + experimentId, () -> {
      List<Run> out = new ArrayList<>();
      Page<Run> page = client.searchRuns(List.of(experimentId), filter, ViewType.ACTIVE_ONLY, 1000);
      while (true) {
        page.getItems().forEach(out::add);
        if (!page.hasNextPage()) {
          return out;
        }
        page = page.getNextPage();
      }
    });
  }

  /** The id of the experiment a run belongs to. */
  String experimentOf(String runId) {
    RunInfo info = runs.computeIfAbsent(runId,
        id -> call("get run " + id, () -> client.getRun(id).getInfo()));
    return info.getExperimentId();
  }

  /** Sends params, tags and metrics in as many batches as MLflow's per-request limits need. */
  void logBatch(String runId, Map<String, String> params, Map<String, String> tags, List<MetricPoint> metrics) {
    List<Map.Entry<String, String>> ps = List.copyOf(MlflowLimits.params(params).entrySet());
    List<Map.Entry<String, String>> ts = List.copyOf(MlflowLimits.tags(tags).entrySet());
    int pi = 0;
    int ti = 0;
    int mi = 0;
    while (pi < ps.size() || ti < ts.size() || mi < metrics.size()) {
      List<Map.Entry<String, String>> p =
          ps.subList(pi, Math.min(ps.size(), pi + MlflowLimits.MAX_PARAMS_OR_TAGS_PER_BATCH));
      List<Map.Entry<String, String>> t =
          ts.subList(ti, Math.min(ts.size(), ti + MlflowLimits.MAX_PARAMS_OR_TAGS_PER_BATCH));
      // Total entities per batch are capped at 1000 too.
      int room = MlflowLimits.MAX_METRICS_PER_BATCH - p.size() - t.size();
      List<MetricPoint> m = metrics.subList(mi, Math.min(metrics.size(), mi + room));
      ObjectNode req = JSON.createObjectNode().put("run_id", runId);
      ArrayNode metricArray = req.putArray("metrics");
      for (MetricPoint point : m) {
        // NaN and the infinities go as the strings "NaN", "Infinity", "-Infinity", as in protobuf's JSON
        metricArray.addObject().put("key", MlflowLimits.key(point.key())).put("value", point.value())
            .put("timestamp", point.timestampMillis()).put("step", point.step());
      }
      addEntries(req.putArray("params"), p);
      addEntries(req.putArray("tags"), t);
      post("log batch to run " + runId, "runs/log-batch", req);
      pi += p.size();
      ti += t.size();
      mi += m.size();
    }
  }

  /** Marks the run finished, failed or killed at the given time. */
  void endRun(String runId, RunOutcome outcome, long endMillis) {
    ObjectNode req = JSON.createObjectNode().put("run_id", runId).put("run_uuid", runId)
        .put("status", outcome.name()).put("end_time", endMillis); // RunOutcome's names are MLflow's statuses
    post("end run " + runId, "runs/update", req);
  }

  private static void addEntries(ArrayNode array, Iterable<Map.Entry<String, String>> entries) {
    for (Map.Entry<String, String> e : entries) {
      array.addObject().put("key", e.getKey()).put("value", e.getValue());
    }
  }

  /**
   * Posts a request of MLflow's REST API, as JSON written here, through the client's own HTTP
   * caller (its credentials, retries and errors). Why not the client's typed calls for the three
   * requests every task sends: protobuf's JSON printer and parser work by reflection, and in a
   * fresh JVM they were a third of those calls' CPU (171 requests: 0.95 s of the calling thread's
   * CPU that way, 0.7 s this way).
   */
  private JsonNode post(String what, String path, ObjectNode body) {
    return call(what, () -> {
      String answer = client.sendPost(path, body.toString());
      try {
        return JSON.readTree(answer);
      } catch (JsonProcessingException e) {
        throw new MlflowClientException("the server's answer is not JSON: " + answer, e);
      }
    });
  }

  /**
   * Uploads through the server's artifact proxy: {@code PUT /api/2.0/mlflow-artifacts/artifacts/
   * <path of the run's mlflow-artifacts: URI>/<artifactPath>/<file name>}. (The client's own
   * logArtifact needs a Python install; this needs only HTTP.) A plain blocking connection, not
   * java.net.http's client: that one keeps a selector thread waiting in native code for as long as
   * the client lives, and the JVM's exit waits 300 ms for any thread in native code to return.
   */
  void uploadArtifact(String runId, Path file, String artifactPath) {
    RunInfo info = runs.computeIfAbsent(runId,
        id -> call("get run " + id, () -> client.getRun(id).getInfo()));
    URI root = URI.create(info.getArtifactUri());
    if (!ARTIFACT_SCHEME.equals(root.getScheme())) {
      throw new RequestRejectedException("run " + runId + " stores artifacts at " + root
          + ", which drelu cannot upload to; start the server with --artifacts-destination"
          + " (tracking/mlflow-server.sh does) so artifacts go through its proxy", null);
    }
    StringBuilder path = new StringBuilder(ARTIFACT_PROXY);
    List<String> segments = new ArrayList<>(List.of(root.getPath().split("/")));
    if (artifactPath != null) {
      segments.addAll(List.of(artifactPath.split("/")));
    }
    segments.add(file.getFileName().toString());
    String sep = "";
    for (String s : segments) {
      if (!s.isEmpty()) { // empty segments make the server answer 308 instead of storing the file
        path.append(sep).append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        sep = "/";
      }
    }
    String what = "upload artifact " + file.getFileName() + " to run " + runId;
    int code;
    String body;
    try {
      HttpURLConnection put = (HttpURLConnection) URI.create(uri + path).toURL().openConnection();
      try {
        put.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        put.setReadTimeout((int) UPLOAD_TIMEOUT.toMillis());
        put.setRequestMethod("PUT");
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(Files.size(file));
        try (OutputStream out = put.getOutputStream()) {
          Files.copy(file, out);
        }
        code = put.getResponseCode();
        try (InputStream in = code / 100 == 2 ? put.getInputStream() : put.getErrorStream()) {
          body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } finally {
        put.disconnect();
      }
    } catch (IOException e) {
      throw new ServerUnavailableException(what + ": " + e, e);
    }
    if (code / 100 == 2) {
      return;
    }
    String msg = what + ": HTTP " + code + " " + body;
    if (code / 100 == 4) {
      throw new RequestRejectedException(msg, null);
    }
    throw new ServerUnavailableException(msg, null);
  }

  /** The run's page in the MLflow UI, or null if this gateway does not know the run. */
  String runUrl(String runId) {
    RunInfo info = runs.get(runId);
    return info == null ? null : uri + "/#/experiments/" + info.getExperimentId() + "/runs/" + runId;
  }

  /** Runs one client call, sorting its failure into unavailable (retry later) or rejected. */
  private <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (MlflowHttpException e) {
      String msg = what + ": HTTP " + e.getStatusCode() + " " + e.getBodyMessage();
      // 429 was already retried by the client; like 5xx it says "not now", not "never".
      if (e.getStatusCode() / 100 == 4 && e.getStatusCode() != 429) {
        throw new RequestRejectedException(msg, e);
      }
      throw new ServerUnavailableException(msg, e);
    } catch (MlflowClientException e) {
      // Connection refused, reset, unknown host: the client wraps the IOException.
      Throwable root = e.getCause() != null ? e.getCause() : e;
      throw new ServerUnavailableException(what + ": " + root, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
