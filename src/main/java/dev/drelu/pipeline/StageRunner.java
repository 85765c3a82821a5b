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
  private final Tally tally;

  /** Counts into Beam counters (read back as {@link ExecutionCounts}): the runner for a Beam worker. */
  public StageRunner(ArtifactStore store, Tracker tracker, RunContext context) {
    this(store, tracker, context, Tally.BEAM_COUNTERS);
  }

  StageRunner(ArtifactStore store, Tracker tracker, RunContext context, Tally tally) {
    this.store = store;
    this.tracker = tracker;
    this.context = context;
    this.tally = tally;
  }

  /**
   * Where each execution is counted as computed or reused: Beam counters inside a pipeline, plain
   * counts when the tasks run outside one ({@link InProcessExecution}).
   */
  interface Tally {
    void computed();

    void reused();

    Tally BEAM_COUNTERS = new Tally() {
      @Override
      public void computed() {
        COMPUTED.inc();
      }

      @Override
      public void reused() {
        REUSED.inc();
      }
    };
  }

  /** The stage-specific work: write the output into the staging folder and return it. */
  @FunctionalInterface
  public interface Work<O extends StageOutput> {
    /**
     * @param staging the folder to write into
     * @param runId the MLflow run to log per-epoch metrics to
     * @return the output written (its metrics and tags are logged, its values become the manifest's summary)
     */
    O run(ArtifactStore.Staging staging, String runId) throws Exception;
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
   * into the same work folders. A stored artifact whose output cannot be read back is replaced
   * like a corrupt one.
   *
   * @param reader reads the stage's output back from a stored artifact, to log it when reused
   * @return the artifact, reused or computed
   * @throws Exception whatever the work threw; nothing is committed then
   */
  public <O extends StageOutput> ArtifactRef execute(StageTask task, StageOutput.Reader<O> reader, Work<O> work)
      throws Exception {
    StagePolicy policy = context.cache().policy(task.stage());
    Stored before = stored(task, reader);
    String label = task.stage().key() + " " + task.label();
    if (before.output() != null && policy != StagePolicy.FORCE) {
      return reuse(task, before, label, "reused ");
    }
    if (policy == StagePolicy.REQUIRE_CACHED) {
      throw new IllegalStateException(label + " is not cached, but --only " + context.cache().only().key()
          + " needs it; run the pipeline without --only first");
    }
    try (TaskLocks.Held lock = store.locks().acquire(task.stage().key(), task.key(), m -> Progress.say(label, m))) {
      // Another run may have committed it since the look-up above: reuse that, even when forced,
      // since it is newer than what this run was asked to replace.
      Stored now = stored(task, reader);
      if (now.output() != null && (policy != StagePolicy.FORCE || !sameArtifact(before, now))) {
        return reuse(task, now, label, "reused (committed by another run meanwhile) ");
      }
      return compute(task, work, now.lookup(), label);
    }
  }

  /**
   * What this execution really did, counted where it happened: the plan can only guess, since a
   * run on a shared store may find that another run committed a task while it waited.
   */
  private static final Counter COMPUTED = Metrics.counter(ExecutionCounts.NAMESPACE, ExecutionCounts.COMPUTED);

  private static final Counter REUSED = Metrics.counter(ExecutionCounts.NAMESPACE, ExecutionCounts.REUSED);

  /**
   * What is stored under a task's key.
   *
   * @param output the stored output read back, or null unless {@code lookup} is a hit
   */
  private record Stored(ArtifactStore.Lookup lookup, StageOutput output) {}

  private Stored stored(StageTask task, StageOutput.Reader<?> reader) {
    ArtifactStore.Lookup lookup = store.lookup(task.stage().key(), task.key());
    if (!(lookup instanceof ArtifactStore.Hit)) {
      return new Stored(lookup, null);
    }
    try {
      return new Stored(lookup, reader.read(store.open(task.stage().key(), task.key())));
    } catch (java.io.IOException e) {
      // intact files that do not hold what the stage's record writes (another version's layout,
      // a hand-edited summary): never trusted, recomputed like a corrupt copy
      return new Stored(new ArtifactStore.Corrupt("its output cannot be read back: " + e.getMessage()), null);
    }
  }

  private ArtifactRef reuse(StageTask task, Stored stored, String label, String what) {
    tally.reused();
    ArtifactStore.Hit hit = (ArtifactStore.Hit) stored.lookup();
    // three requests per reused task (start, one batch, end): a cached rerun logs one run per task
    String runId = tracker.startRun(context.experiment(), runName(task), context.parentRunId(), runTags(task, true));
    tracker.logBatch(runId, flatten(task.params()), metrics(stored.output()),
        tags(stored.output(), Reproducibility.recorded(hit.manifest().summary())));
    tracker.endRun(runId, RunOutcome.FINISHED);
    Progress.say(label, what + hit.ref().location());
    return hit.ref();
  }

  private <O extends StageOutput> ArtifactRef compute(StageTask task, Work<O> work, ArtifactStore.Lookup lookup,
      String label) throws Exception {
    if (lookup instanceof ArtifactStore.Corrupt c) {
      Progress.say(label, "cached copy is corrupt and will be replaced: " + c.reason());
    }
    String runId = startRun(task, false);
    ArtifactStore.Staging staging = store.begin(task.stage().key(), task.key());
    try {
      O output = java.util.Objects.requireNonNull(work.run(staging, runId), "the stage's work returned no output");
      Map<String, String> summary = new TreeMap<>(output.fields().text());
      String reproducibility = null;
      if (Reproducibility.applies(task.stage())) {
        reproducibility = Reproducibility.statement(context.device());
        summary.put(Reproducibility.SUMMARY_ENTRY, reproducibility);
      }
      ArtifactRef ref = store.commit(staging, task.stage().version(), task.params(), task.inputKeys(), summary);
      tally.computed();
      Map<String, String> tags = tags(output, reproducibility);
      tags.put("drelu.artifact", ref.location());
      tracker.logBatch(runId, Map.of(), metrics(output), tags);
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
  private static boolean sameArtifact(Stored before, Stored now) {
    return before.lookup() instanceof ArtifactStore.Hit h && now.lookup() instanceof ArtifactStore.Hit n
        && h.manifest().equals(n.manifest());
  }

  private String startRun(StageTask task, boolean cached) {
    String runId = tracker.startRun(context.experiment(), runName(task), context.parentRunId(), runTags(task, cached));
    tracker.logParams(runId, flatten(task.params()));
    return runId;
  }

  private static String runName(StageTask task) {
    return task.stage().key() + " " + task.label();
  }

  private Map<String, String> runTags(StageTask task, boolean cached) {
    Map<String, String> tags = new TreeMap<>();
    tags.put("drelu.stage", task.stage().key());
    tags.put("drelu.cache_key", task.key());
    tags.put("drelu.input_keys", String.join(",", task.inputKeys()));
    tags.put("drelu.cached", Boolean.toString(cached));
    tags.put("drelu.stage_version", Integer.toString(task.stage().version()));
    tags.put(dev.drelu.attack.Protocol.TAG, context.protocol().key());
    tags.put("mlflow.source.git.commit", CodeVersion.get());
    return tags;
  }

  /** @return an output's metrics, logged on its task's run */
  private static List<MetricPoint> metrics(StageOutput output) {
    List<MetricPoint> metrics = new ArrayList<>();
    output.metrics().forEach((name, value) -> metrics.add(MetricPoint.of(name, value, 0)));
    return metrics;
  }

  /**
   * @return an output's tags as {@code drelu.summary.<name>}, and the reproducibility statement
   *     (the manifest's; null if it has none)
   */
  private static Map<String, String> tags(StageOutput output, String reproducibility) {
    Map<String, String> tags = new TreeMap<>();
    output.tags().forEach((name, value) -> tags.put("drelu.summary." + name, value));
    if (reproducibility != null) {
      tags.put("drelu.summary." + Reproducibility.SUMMARY_ENTRY, reproducibility);
    }
    return tags;
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
