package dev.drelu.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Records runs, their params, metrics, tags and artifacts in an experiment tracker.
 *
 * <p>Implementations never throw because the tracking server is unreachable: tracking must not stop
 * an experiment. Run ids are opaque strings; pass back exactly what {@link #startRun} returned.
 * Close the tracker when done so any local journal is flushed to disk.
 */
public interface Tracker extends AutoCloseable {

  /** MLflow's tag that names a run's parent run. */
  String PARENT_RUN_ID_TAG = "mlflow.parentRunId";

  /** MLflow's tag that holds a run's display name. */
  String RUN_NAME_TAG = "mlflow.runName";

  /**
   * Starts a run.
   *
   * @param experimentName experiment to log into, created if missing; null = the tracker's default
   * @param runName display name of the run
   * @param parentRunId id of the parent run (from this or another tracker), or null for a top run
   * @param tags initial tags; may be empty
   * @return the run id to use in later calls
   */
  String startRun(String experimentName, String runName, String parentRunId, Map<String, String> tags);

  /**
   * Marks KILLED the RUNNING runs in the experiment whose drelu process on this host has died (a
   * kill -9 or a crash gives a process no chance to end its runs). Runs of live processes, of
   * other hosts, and runs a pending journal still speaks for are left alone. Call it before
   * starting new runs; it never throws for tracking problems.
   *
   * @param experimentName experiment to clean up; null = the tracker's default
   * @return how many runs were marked KILLED
   */
  int endRunsOfDeadProcesses(String experimentName);

  /** Logs params; values longer than MLflow allows are truncated with a marker. */
  void logParams(String runId, Map<String, String> params);

  /** Logs one metric value at a step, stamped with the current time. */
  void logMetric(String runId, String key, double value, long step);

  /** Logs many metric points at once (sent in batches). */
  void logMetrics(String runId, List<MetricPoint> points);

  /** Sets (or overwrites) tags. */
  void setTags(String runId, Map<String, String> tags);

  /**
   * Logs params, metric points and tags together: one request to a server where the three calls
   * make three (a reused stage logs a child run per task, so a cached rerun makes hundreds).
   */
  default void logBatch(String runId, Map<String, String> params, List<MetricPoint> points, Map<String, String> tags) {
    logParams(runId, params);
    logMetrics(runId, points);
    setTags(runId, tags);
  }

  /**
   * Uploads a file as an artifact of the run.
   *
   * @param file a regular file that exists now (it is copied aside if it must be journaled)
   * @param artifactPath folder inside the run's artifacts, or null for the top folder
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  void logArtifact(String runId, Path file, String artifactPath);

  /** Ends the run with the given outcome. */
  void endRun(String runId, RunOutcome outcome);

  /** Online or offline, and what was journaled. */
  TrackingStatus status();

  /** A browser link to the run, or null when offline or the run is unknown to the server. */
  String runUrl(String runId);

  /** Flushes and fsyncs the journal, if any; never throws for tracking problems. */
  @Override
  void close();

  /** A tracker that records nothing, for {@code --no-tracking}. */
  static Tracker disabled() {
    return new DisabledTracker();
  }
}
