package dev.drelu.pipeline;

import dev.drelu.tracking.MetricPoint;
import dev.drelu.tracking.RunOutcome;
import dev.drelu.tracking.Tracker;
import dev.drelu.tracking.TrackingStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tracker that keeps what each run was given in memory, for tests of what reaches MLflow: the
 * runs in the order they started, each with its metrics (step 0 values) and tags.
 */
final class RecordingTracker implements Tracker {
  /** One run as the tracker saw it. */
  record Run(String name, Map<String, Double> metrics, Map<String, String> tags) {}

  private final Map<String, Run> runs = new LinkedHashMap<>();

  /** @return the runs, in the order they started */
  List<Run> runs() {
    return new ArrayList<>(runs.values());
  }

  @Override
  public String startRun(String experimentName, String runName, String parentRunId, Map<String, String> tags) {
    String id = "run-" + runs.size();
    runs.put(id, new Run(runName, new TreeMap<>(), new TreeMap<>(tags)));
    return id;
  }

  @Override
  public int endRunsOfDeadProcesses(String experimentName) {
    return 0;
  }

  @Override
  public void logParams(String runId, Map<String, String> params) {}

  @Override
  public void logMetric(String runId, String key, double value, long step) {
    runs.get(runId).metrics().put(key, value);
  }

  @Override
  public void logMetrics(String runId, List<MetricPoint> points) {
    points.forEach(p -> logMetric(runId, p.key(), p.value(), p.step()));
  }

  @Override
  public void setTags(String runId, Map<String, String> tags) {
    runs.get(runId).tags().putAll(tags);
  }

  @Override
  public void logArtifact(String runId, Path file, String artifactPath) {}

  @Override
  public void endRun(String runId, RunOutcome outcome) {}

  @Override
  public TrackingStatus status() {
    return Tracker.disabled().status();
  }

  @Override
  public String runUrl(String runId) {
    return null;
  }

  @Override
  public void close() {}
}
