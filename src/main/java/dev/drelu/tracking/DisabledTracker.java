package dev.drelu.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@link Tracker#disabled()} tracker: accepts every call and records nothing. */
final class DisabledTracker implements Tracker {
  private static final TrackingStatus STATUS =
      new TrackingStatus(false, 0, null, "tracking is disabled (--no-tracking or no tracking URI)");

  @Override
  public String startRun(String experimentName, String runName, String parentRunId, Map<String, String> tags) {
    // Distinct ids still let callers keep runs apart in their own bookkeeping.
    return "disabled-" + UUID.randomUUID();
  }

  @Override
  public int endRunsOfDeadProcesses(String experimentName) {
    return 0;
  }

  @Override
  public void logParams(String runId, Map<String, String> params) {}

  @Override
  public void logMetric(String runId, String key, double value, long step) {}

  @Override
  public void logMetrics(String runId, List<MetricPoint> points) {}

  @Override
  public void setTags(String runId, Map<String, String> tags) {}

  @Override
  public void logArtifact(String runId, Path file, String artifactPath) {}

  @Override
  public void endRun(String runId, RunOutcome outcome) {}

  @Override
  public TrackingStatus status() {
    return STATUS;
  }

  @Override
  public String runUrl(String runId) {
    return null;
  }

  @Override
  public void close() {}
}
