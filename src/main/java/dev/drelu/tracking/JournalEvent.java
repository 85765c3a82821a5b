package dev.drelu.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One tracking call as one self-contained journal line: it carries everything needed to send it
 * later, plus its time and its place in its file. Fields a type does not use are null.
 *
 * @param seq position in its journal file, from 1
 * @param ts epoch milliseconds when the call was made (also the run's start or end time)
 * @param type what the call was
 * @param runId the run, as returned by {@link Tracker#startRun} ({@code local-*} when offline)
 * @param experiment START_RUN: experiment name
 * @param runName START_RUN: run name
 * @param parentRunId START_RUN: parent run id or null
 * @param tags START_RUN, SET_TAGS
 * @param params LOG_PARAMS
 * @param metrics LOG_METRICS
 * @param file LOG_ARTIFACT: copy of the file, relative to the journal folder
 * @param artifactPath LOG_ARTIFACT: folder inside the run's artifacts, or null
 * @param outcome END_RUN
 * @param boundTo BIND: the server's run id for the local id in {@code runId}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JournalEvent(
    long seq,
    long ts,
    Type type,
    String runId,
    String experiment,
    String runName,
    String parentRunId,
    Map<String, String> tags,
    Map<String, String> params,
    List<MetricPoint> metrics,
    String file,
    String artifactPath,
    RunOutcome outcome,
    String boundTo) {

  /** The kinds of journal line. */
  enum Type {
    START_RUN,
    LOG_PARAMS,
    LOG_METRICS,
    SET_TAGS,
    LOG_ARTIFACT,
    END_RUN,
    /** Written by a partial sync: a local run id the server already knows under another id. */
    BIND
  }

  static JournalEvent startRun(
      String runId, String experiment, String runName, String parentRunId, Map<String, String> tags) {
    return new JournalEvent(0, now(), Type.START_RUN, runId, experiment, runName, parentRunId,
        Map.copyOf(tags), null, null, null, null, null, null);
  }

  static JournalEvent params(String runId, Map<String, String> params) {
    return new JournalEvent(0, now(), Type.LOG_PARAMS, runId, null, null, null, null,
        Map.copyOf(params), null, null, null, null, null);
  }

  static JournalEvent metrics(String runId, List<MetricPoint> points) {
    return new JournalEvent(0, now(), Type.LOG_METRICS, runId, null, null, null, null, null,
        List.copyOf(points), null, null, null, null);
  }

  static JournalEvent tags(String runId, Map<String, String> tags) {
    return new JournalEvent(0, now(), Type.SET_TAGS, runId, null, null, null, Map.copyOf(tags),
        null, null, null, null, null, null);
  }

  static JournalEvent artifact(String runId, String file, String artifactPath) {
    return new JournalEvent(0, now(), Type.LOG_ARTIFACT, runId, null, null, null, null, null, null,
        file, artifactPath, null, null);
  }

  static JournalEvent endRun(String runId, RunOutcome outcome) {
    return new JournalEvent(0, now(), Type.END_RUN, runId, null, null, null, null, null, null,
        null, null, outcome, null);
  }

  static JournalEvent bind(String localId, String realId) {
    return new JournalEvent(0, now(), Type.BIND, localId, null, null, null, null, null, null, null,
        null, null, realId);
  }

  JournalEvent withSeq(long newSeq) {
    return new JournalEvent(newSeq, ts, type, runId, experiment, runName, parentRunId, tags, params,
        metrics, file, artifactPath, outcome, boundTo);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
