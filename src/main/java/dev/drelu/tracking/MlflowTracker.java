package dev.drelu.tracking;

import dev.drelu.core.Checks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A {@link Tracker} on an MLflow tracking server that degrades to a local journal.
 *
 * <p>While the server answers, calls go straight to it and {@link #startRun} returns MLflow's
 * run ids. The first time the server cannot be reached (refused, timeout, 5xx) the tracker goes
 * offline for the rest of its life, so later calls cost no network wait: it prints one warning,
 * and it writes that call and every later one to its own journal file in the journal folder, with
 * {@code local-*} ids for new runs. {@link JournalReplayer} sends the journals once the server is
 * back. A run whose parent has a local id is journaled too, since the server cannot know the parent.
 * A request the server refuses as invalid (4xx) is logged as a warning and dropped: sending it
 * again would fail again.
 *
 * <p>Every run it starts is tagged with its process ({@link ProcessOwner}: pid@host and start
 * time), so that {@link #endRunsOfDeadProcesses} in a later process can tell a run whose process
 * was killed from one still in progress.
 *
 * <p>Thread-safe; one instance per worker keeps journals apart and avoids contention.
 */
public final class MlflowTracker implements Tracker {
  private final MlflowGateway gateway;
  private final JournalWriter journal;
  private final Path journalDir;
  private final String defaultExperiment;
  private boolean online = true;
  private String offlineReason;
  private boolean closed;

  /**
   * @param trackingUri http(s) URI of the MLflow server
   * @param journalDir folder for this tracker's journal file (created on the first journaled event)
   * @param defaultExperiment experiment used when {@link #startRun} gets none
   * @throws IllegalArgumentException if an argument is blank or the URI is not http(s)
   */
  public MlflowTracker(String trackingUri, Path journalDir, String defaultExperiment) {
    // The config record holds the URI rules and their messages.
    if (journalDir == null) {
      throw new IllegalArgumentException("journal folder must be set, but was: null; offline events need a place to go");
    }
    new TrackingConfig(trackingUri, journalDir.toString(), defaultExperiment);
    this.gateway = new MlflowGateway(trackingUri);
    this.journal = new JournalWriter(journalDir);
    this.journalDir = journalDir;
    this.defaultExperiment = Checks.notBlank("experiment name", defaultExperiment);
  }

  @Override
  public synchronized String startRun(
      String experimentName, String runName, String parentRunId, Map<String, String> tags) {
    checkOpen();
    String experiment = experimentName == null ? defaultExperiment : experimentName;
    Map<String, String> initialTags = withOwner(tags);
    if (RunIds.isRejected(parentRunId)) {
      warn("start run '" + runName + "'", "its parent run " + parentRunId + " was refused by the server");
      return RunIds.newRejected();
    }
    JournalEvent event = JournalEvent.startRun(null, experiment, runName, parentRunId, initialTags);
    if (online && !RunIds.isLocal(parentRunId)) {
      try {
        String expId = gateway.experimentId(experiment);
        return gateway.createRun(expId, runName, parentRunId, initialTags, event.ts());
      } catch (ServerUnavailableException e) {
        goOffline(e.getMessage());
      } catch (RequestRejectedException e) {
        warn("start run '" + runName + "'", e.getMessage());
        return RunIds.newRejected();
      }
    }
    String localId = RunIds.newLocal();
    journal.append(JournalEvent.startRun(localId, experiment, runName, parentRunId, initialTags));
    announceOffline();
    return localId;
  }

  // Every run names its process, so a later drelu can tell a run whose process was killed.
  private static Map<String, String> withOwner(Map<String, String> tags) {
    Map<String, String> all = new java.util.HashMap<>(tags == null ? Map.of() : tags);
    ProcessOwner owner = ProcessOwner.current();
    if (owner != null) {
      all.putAll(owner.tags());
    }
    return all;
  }

  @Override
  public synchronized int endRunsOfDeadProcesses(String experimentName) {
    checkOpen();
    if (!online) {
      return 0; // the journal keeps what happens now; the sync ends dead runs later
    }
    String experiment = experimentName == null ? defaultExperiment : experimentName;
    try {
      return new DeadOwnerRuns(gateway, journalDir).endIn(gateway.experimentId(experiment));
    } catch (ServerUnavailableException e) {
      goOffline(e.getMessage());
    } catch (RequestRejectedException e) {
      warn("end the runs of killed processes in experiment '" + experiment + "'", e.getMessage());
    }
    return 0;
  }

  @Override
  public synchronized void logParams(String runId, Map<String, String> params) {
    if (params == null || params.isEmpty()) {
      return;
    }
    deliver(runId, "log params", () -> JournalEvent.params(runId, params),
        () -> gateway.logBatch(runId, params, Map.of(), List.of()));
  }

  @Override
  public void logMetric(String runId, String key, double value, long step) {
    logMetrics(runId, List.of(MetricPoint.of(key, value, step)));
  }

  @Override
  public synchronized void logMetrics(String runId, List<MetricPoint> points) {
    if (points == null || points.isEmpty()) {
      return;
    }
    List<MetricPoint> copy = List.copyOf(points);
    deliver(runId, "log metrics", () -> JournalEvent.metrics(runId, copy),
        () -> gateway.logBatch(runId, Map.of(), Map.of(), copy));
  }

  @Override
  public synchronized void setTags(String runId, Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return;
    }
    deliver(runId, "set tags", () -> JournalEvent.tags(runId, tags),
        () -> gateway.logBatch(runId, Map.of(), tags, List.of()));
  }

  @Override
  public synchronized void logBatch(String runId, Map<String, String> params, List<MetricPoint> points,
      Map<String, String> tags) {
    Map<String, String> p = params == null ? Map.of() : Map.copyOf(params);
    List<MetricPoint> m = points == null ? List.of() : List.copyOf(points);
    Map<String, String> t = tags == null ? Map.of() : Map.copyOf(tags);
    if (p.isEmpty() && m.isEmpty() && t.isEmpty()) {
      return;
    }
    // journaled as the three events the separate calls write, so a replay needs nothing new
    deliverAll(runId, "log batch", () -> {
      List<JournalEvent> events = new java.util.ArrayList<>();
      if (!p.isEmpty()) {
        events.add(JournalEvent.params(runId, p));
      }
      if (!m.isEmpty()) {
        events.add(JournalEvent.metrics(runId, m));
      }
      if (!t.isEmpty()) {
        events.add(JournalEvent.tags(runId, t));
      }
      return events;
    }, () -> gateway.logBatch(runId, p, t, m));
  }

  @Override
  public synchronized void logArtifact(String runId, Path file, String artifactPath) {
    if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "artifact file must be a readable regular file, but was: " + file + "; write it before logging it");
    }
    // Journaling copies the file: the caller may delete it right after this call.
    deliver(runId, "log artifact " + file.getFileName(),
        () -> JournalEvent.artifact(runId, journal.stash(file), artifactPath),
        () -> gateway.uploadArtifact(runId, file, artifactPath));
  }

  @Override
  public synchronized void endRun(String runId, RunOutcome outcome) {
    RunOutcome o = outcome == null ? RunOutcome.FINISHED : outcome;
    long end = System.currentTimeMillis();
    deliver(runId, "end run", () -> JournalEvent.endRun(runId, o), () -> gateway.endRun(runId, o, end));
  }

  @Override
  public synchronized TrackingStatus status() {
    return new TrackingStatus(online, journal.count(), journal.file(), offlineReason);
  }

  @Override
  public synchronized String runUrl(String runId) {
    if (!online || runId == null || RunIds.isLocal(runId) || RunIds.isRejected(runId)) {
      return null;
    }
    return gateway.runUrl(runId);
  }

  /** Fsyncs the journal (if any) and releases the connection pool; later calls throw. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      journal.close();
    } finally {
      gateway.close();
    }
  }

  /** Sends the call, or journals it when offline, when the run is local, or when sending fails. */
  private void deliver(String runId, String what, Supplier<JournalEvent> event, Runnable send) {
    deliverAll(runId, what, () -> List.of(event.get()), send);
  }

  private void deliverAll(String runId, String what, Supplier<List<JournalEvent>> events, Runnable send) {
    checkOpen();
    Checks.notBlank("run id", runId);
    if (RunIds.isRejected(runId)) {
      return; // its start was refused and warned about; the rest cannot land either
    }
    if (online && !RunIds.isLocal(runId)) {
      try {
        send.run();
        return;
      } catch (ServerUnavailableException e) {
        goOffline(e.getMessage());
      } catch (RequestRejectedException e) {
        warn(what, e.getMessage());
        return;
      }
    }
    events.get().forEach(journal::append);
    announceOffline();
  }

  private boolean announcePending;

  private void goOffline(String reason) {
    online = false;
    offlineReason = reason;
    announcePending = true;
  }

  // Printed after the failed call is journaled, so the count includes it.
  private void announceOffline() {
    if (!announcePending) {
      return;
    }
    announcePending = false;
    System.err.println("drelu tracking: MLflow server " + gateway.uri() + " is unavailable (" + offlineReason
        + "); journaling instead, " + journal.count() + " event(s) so far in " + journal.file()
        + "; run `drelu tracking sync` when the server is back");
  }

  private static void warn(String what, String why) {
    System.err.println("drelu tracking: warning: the MLflow server refused to " + what + " (" + why
        + "); this call is dropped, tracking goes on");
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("tracker is closed; open a new one with TrackingConfig.open()");
    }
  }
}
