package dev.drelu.tracking;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;

/**
 * Ends the runs a killed drelu process left RUNNING: MLflow never learns that such a process died,
 * so without this its runs stay RUNNING forever.
 *
 * <p>A run is ended only when all of these hold: it is RUNNING, its {@value ProcessOwner#OWNER_TAG}
 * tag names this host, that process is gone (see {@link ProcessOwner#isGoneFrom}), and no pending
 * journal mentions it (the journal may hold its real end, which {@code drelu tracking sync} will
 * send). It is then marked KILLED, tagged {@value #REASON_TAG}, with its end time set to the last
 * moment its process was seen logging: the latest start, end or metric time over all runs that
 * process made in the experiment. That is a lower bound of when it died, never a guess past it.
 */
final class DeadOwnerRuns {
  /** Tag that says why drelu, not the run's own process, ended the run. */
  static final String REASON_TAG = "drelu.killed_reason";

  private final MlflowGateway gateway;
  private final Path journalDir;

  /** @param journalDir the journal folder whose pending events protect their runs */
  DeadOwnerRuns(MlflowGateway gateway, Path journalDir) {
    this.gateway = gateway;
    this.journalDir = journalDir;
  }

  /**
   * Marks the experiment's runs of dead local processes KILLED.
   *
   * @return how many runs were ended
   * @throws ServerUnavailableException if the server cannot be reached
   * @throws RequestRejectedException if the server refuses a request
   */
  int endIn(String experimentId) {
    ProcessOwner self = ProcessOwner.current();
    if (self == null) {
      return 0; // this host's name is unknown, so no run can be shown to be this host's
    }
    JournalBacklog backlog;
    try {
      backlog = JournalBacklog.of(journalDir);
    } catch (UncheckedIOException e) {
      System.err.println("drelu tracking: warning: runs of killed processes stay RUNNING for now: "
          + e.getMessage() + " (a journal may hold their real end)");
      return 0;
    }
    String filter = "attributes.status = 'RUNNING' and tags.`" + ProcessOwner.OWNER_TAG + "` LIKE '%@"
        + self.host().replace("'", "\\'") + "'";
    Map<ProcessOwner, List<Run>> deadByOwner = new LinkedHashMap<>();
    for (Run run : gateway.searchRuns(experimentId, filter)) {
      Map<String, String> tags = tags(run);
      Optional<ProcessOwner> owner = ProcessOwner.fromTags(tags);
      if (owner.isEmpty() || !owner.get().isGoneFrom(self.host())) {
        continue;
      }
      String id = run.getInfo().getRunId();
      String localId = tags.get(RunIds.LOCAL_ID_TAG); // set on runs a sync created
      if (backlog.runIds().contains(id) || (localId != null && backlog.runIds().contains(localId))) {
        continue; // its journaled events (maybe its real end) come first, at the next sync
      }
      deadByOwner.computeIfAbsent(owner.get(), o -> new ArrayList<>()).add(run);
    }
    int ended = 0;
    for (Map.Entry<ProcessOwner, List<Run>> e : deadByOwner.entrySet()) {
      long lastSeen = lastSeen(experimentId, e.getKey());
      String reason = "process " + e.getKey().id() + " was gone at " + Instant.now()
          + "; drelu marked this run KILLED, ending it at the process's last logged activity (" + Instant.ofEpochMilli(lastSeen) + ")";
      for (Run run : e.getValue()) {
        String id = run.getInfo().getRunId();
        gateway.logBatch(id, Map.of(), Map.of(REASON_TAG, reason), List.of());
        gateway.endRun(id, RunOutcome.KILLED, Math.max(lastSeen, run.getInfo().getStartTime()));
        ended++;
      }
    }
    return ended;
  }

  /** The latest time the owner logged anything in the experiment (run starts, ends, metric points). */
  private long lastSeen(String experimentId, ProcessOwner owner) {
    String filter = "tags.`" + ProcessOwner.OWNER_TAG + "` = '" + owner.id().replace("'", "\\'") + "'";
    long last = 0;
    for (Run run : gateway.searchRuns(experimentId, filter)) {
      if (!owner.equals(ProcessOwner.fromTags(tags(run)).orElse(null))) {
        continue; // same pid@host, another process (the pid was reused)
      }
      RunInfo info = run.getInfo();
      last = Math.max(last, Math.max(info.getStartTime(), info.getEndTime()));
      for (Metric m : run.getData().getMetricsList()) {
        last = Math.max(last, m.getTimestamp());
      }
    }
    return last;
  }

  private static Map<String, String> tags(Run run) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (RunTag t : run.getData().getTagsList()) {
      tags.put(t.getKey(), t.getValue());
    }
    return tags;
  }
}
