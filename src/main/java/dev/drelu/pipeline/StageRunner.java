package dev.drelu.pipeline;

import dev.drelu.core.CodeVersion;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import dev.drelu.core.Progress;
import dev.drelu.store.ArtifactRef;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.TaskLocks;
import dev.drelu.tracking.MetricPoint;
import dev.drelu.tracking.RunOutcome;
import dev.drelu.tracking.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part every stage shares: reuse a cached artifact or compute a new one into a staging
 * folder and commit it, with one MLflow child run per execution either way.
 */
public final class StageRunner {
  private final ArtifactStore store;
  private final Tracker tracker;
  private final RunContext context;

  public StageRunner(ArtifactStore store, Tracker tracker, RunContext context) {
    this.store = store;
    this.tracker = tracker;
    this.context = context;
  }

  /** The stage-specific work: write files into {@code dir}, return the summary. */
  @FunctionalInterface
  public interface Work {
    /**
     * @param dir the staging folder to write into
     * @param runId the MLflow run to log per-epoch metrics to
     * @return summary entries (numbers become MLflow metrics)
     */
    Map<String, String> run(Path dir, String runId) throws Exception;
  }

  public ArtifactStore store() {
    return store;
  }

  public Tracker tracker() {
    return tracker;
  }

  public RunContext context() {
    return context;
  }

  /**
   * Reuses the task's artifact if it is stored and intact, else computes it under the task's
   * lock: a second run of the same task (another process, even on another host sharing the
   * store) waits for the first and then reuses what it committed, instead of computing it again
   * into the same work folders.
   *
   * @return the artifact, reused or computed
   * @throws Exception whatever the work threw; nothing is committed then
   */
  public ArtifactRef execute(StageTask task, Work work) throws Exception {
    StagePolicy policy = context.cache().policy(task.stage());
    ArtifactStore.Lookup before = store.lookup(task.stage().key(), task.key());
    String label = task.stage().key() + " " + task.label();
    if (before instanceof ArtifactStore.Hit hit && policy != StagePolicy.FORCE) {
      return reuse(task, hit, label, "reused ");
    }
    if (policy == StagePolicy.REQUIRE_CACHED) {
      throw new IllegalStateException(label + " is not cached, but --only " + context.cache().only().key()
          + " needs it; run the pipeline without --only first");
    }
    try (TaskLocks.Held lock = store.locks().acquire(task.stage().key(), task.key(), m -> Progress.say(label, m))) {
      // Another run may have committed it since the look-up above: reuse that, even when forced,
      // since it is newer than what this run was asked to replace.
      ArtifactStore.Lookup now = store.lookup(task.stage().key(), task.key());
      if (now instanceof ArtifactStore.Hit hit && (policy != StagePolicy.FORCE || !sameArtifact(before, hit))) {
        return reuse(task, hit, label, "reused (committed by another run meanwhile) ");
      }
      return compute(task, work, now, label);
    }
  }

  /**
   * What this execution really did, counted where it happened: the plan can only guess, since a
   * run on a shared store may find that another run committed a task while it waited.
   */
  private static final Counter COMPUTED = Metrics.counter(ExecutionCounts.NAMESPACE, ExecutionCounts.COMPUTED);

  private static final Counter REUSED = Metrics.counter(ExecutionCounts.NAMESPACE, ExecutionCounts.REUSED);

  private ArtifactRef reuse(StageTask task, ArtifactStore.Hit hit, String label, String what) {
    REUSED.inc();
    String runId = startRun(task, true);
    logSummary(runId, hit.ref().summary());
    tracker.endRun(runId, RunOutcome.FINISHED);
    Progress.say(label, what + hit.ref().location());
    return hit.ref();
  }

  private ArtifactRef compute(StageTask task, Work work, ArtifactStore.Lookup lookup, String label) throws Exception {
    if (lookup instanceof ArtifactStore.Corrupt c) {
      Progress.say(label, "cached copy is corrupt and will be replaced: " + c.reason());
    }
    String runId = startRun(task, false);
    ArtifactStore.Staging staging = store.begin(task.stage().key(), task.key());
    try {
      Map<String, String> summary = new TreeMap<>(work.run(staging.dir(), runId));
      if (Reproducibility.applies(task.stage())) {
        summary.put("reproducibility", Reproducibility.statement(context.device()));
      }
      ArtifactRef ref = store.commit(staging, task.stage().version(), task.params(), task.inputKeys(), summary);
      COMPUTED.inc();
      logSummary(runId, summary);
      tracker.setTags(runId, Map.of("drelu.artifact", ref.location()));
      tracker.endRun(runId, RunOutcome.FINISHED);
      return ref;
    } catch (Exception | Error e) {
      store.abandon(staging);
      tracker.setTags(runId, Map.of("drelu.error", dev.drelu.core.ErrorMessages.oneLine(e)));
      tracker.endRun(runId, RunOutcome.FAILED);
      throw e;
    }
  }

  /** @return true if {@code before} found this very artifact (same manifest, so same commit) */
  private static boolean sameArtifact(ArtifactStore.Lookup before, ArtifactStore.Hit now) {
    return before instanceof ArtifactStore.Hit h && h.manifest().equals(now.manifest());
  }

  private String startRun(StageTask task, boolean cached) {
    Map<String, String> tags = new TreeMap<>();
    tags.put("drelu.stage", task.stage().key());
    tags.put("drelu.cache_key", task.key());
    tags.put("drelu.input_keys", String.join(",", task.inputKeys()));
    tags.put("drelu.cached", Boolean.toString(cached));
    tags.put("drelu.stage_version", Integer.toString(task.stage().version()));
    tags.put("mlflow.source.git.commit", CodeVersion.get());
    String runId = tracker.startRun(context.experiment(), task.stage().key() + " " + task.label(),
        context.parentRunId(), tags);
    tracker.logParams(runId, flatten(task.params()));
    return runId;
  }

  private void logSummary(String runId, Map<String, String> summary) {
    List<MetricPoint> metrics = new ArrayList<>();
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, String> e : summary.entrySet()) {
      try {
        metrics.add(MetricPoint.of(e.getKey(), Double.parseDouble(e.getValue()), 0));
      } catch (NumberFormatException notANumber) {
        tags.put("drelu.summary." + e.getKey(), e.getValue());
      }
    }
    if (!metrics.isEmpty()) {
      tracker.logMetrics(runId, metrics);
    }
    if (!tags.isEmpty()) {
      tracker.setTags(runId, tags);
    }
  }

  /** @return nested maps as dotted keys ("model.architecture" = "dense"), as MLflow params want */
  static Map<String, String> flatten(Map<String, Object> params) {
    Map<String, String> out = new TreeMap<>();
    flatten("", params, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.put(prefix, String.valueOf(value));
    }
  }
}
