package dev.drelu.pipeline;

import dev.drelu.core.CodeVersion;
import dev.drelu.core.Progress;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.MetricPoint;
import dev.drelu.tracking.RunOutcome;
import dev.drelu.tracking.Tracker;
import dev.drelu.tracking.TrackingOutcome;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Runs a pipeline spec end to end: plan, parent run, Beam execution, summary. */
public final class ExperimentRunner {
  private ExperimentRunner() {}

  /**
   * @return what the execution produced
   * @throws Exception the first stage failure (nothing half-written is left in the store)
   */
  public static ExperimentResult run(PipelineSpec spec, RunOptions options) throws Exception {
    long started = System.nanoTime();
    ArtifactStore store = ArtifactStore.open(options.store());
    TrackingStart start = TrackingStart.begin(spec, options);
    Plan plan;
    try {
      plan = Planner.plan(spec, store, options.cache());
    } catch (Exception | Error e) {
      start.abandon();
      throw e;
    }
    Progress.say("plan", plan.tally("to compute") + " (drelu plan shows which)");
    try (Tracker tracker = start.tracker()) {
      int killed = start.killedRuns();
      if (killed > 0) {
        Progress.say("tracking", "marked " + killed + " run(s) of killed drelu processes KILLED in experiment "
            + spec.experiment());
      }
      String parent = tracker.startRun(spec.experiment(), spec.name() + " "
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")), null, parentTags(spec, options));
      tracker.logParams(parent, parentParams(spec, options));
      RunContext context = new RunContext(store.location(), options.tracking(), spec.experiment(), parent,
          options.cache(), options.device(), spec.protocol());
      ExecutionCounts counts;
      try {
        if (plan.toCompute() == 0) {
          // nothing to compute: reuse and log every task here rather than start a runner for it
          counts = InProcessExecution.run(plan, context);
        } else {
          counts = runPipeline(plan, context, options, spec.name());
        }
      } catch (Exception | Error e) {
        tracker.setTags(parent, Map.of("drelu.error", dev.drelu.core.ErrorMessages.oneLine(e)));
        tracker.endRun(parent, RunOutcome.FAILED);
        throw e;
      }
      Summary summary = null;
      if (options.cache().policy(Stage.SUMMARISE) != StagePolicy.SKIP) {
        if (store.find(Stage.SUMMARISE.key(), plan.summarise().key()).isEmpty()) {
          throw new IllegalStateException("the summary artifact is missing or corrupt after the run");
        }
        summary = Summary.read(store, plan.summarise().key());
        logResults(tracker, parent, summary);
      }
      tracker.endRun(parent, RunOutcome.FINISHED);
      TrackingOutcome tracking = TrackingOutcome.of(options.tracking(), tracker.status(), tracker.runUrl(parent));
      return new ExperimentResult(plan, summary, tracking, counts, (System.nanoTime() - started) / 1e9);
    }
  }

  /** Builds the Beam graph of the plan and runs it on the chosen runner. */
  private static ExecutionCounts runPipeline(Plan plan, RunContext context, RunOptions options, String name) {
    Pipeline pipeline = Pipeline.create(beamOptions(options, name));
    ExperimentPipeline.build(pipeline, plan, context);
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the pipeline ended in state " + state);
    }
    return ExecutionCounts.of(result);
  }

  /** Logs the summary's metrics (its labels are in the artifact), tables and report to the pipeline's run. */
  private static void logResults(Tracker tracker, String parent, Summary summary) throws java.io.IOException {
    List<MetricPoint> metrics = new ArrayList<>();
    summary.metrics().forEach((name, value) -> metrics.add(MetricPoint.of(name, value, 0)));
    tracker.logMetrics(parent, metrics);
    tracker.logArtifact(parent, summary.markdown(), null);
    tracker.logArtifact(parent, summary.csv(), null);
    // the HTML report and its plots, under report/ as in the artifact, so its links work in MLflow
    for (String name : summary.reportFiles()) {
      tracker.logArtifact(parent, summary.files().file(name), name.substring(0, name.lastIndexOf('/')));
    }
  }

  private static Map<String, String> parentTags(PipelineSpec spec, RunOptions options) {
    Map<String, String> tags = new TreeMap<>();
    tags.put("drelu.pipeline", spec.name());
    tags.put("drelu.spec_file", spec.file().toString());
    tags.put("drelu.runner", options.runner().name().toLowerCase(java.util.Locale.ROOT));
    tags.put("drelu.stage", "pipeline");
    tags.put(dev.drelu.attack.Protocol.TAG, spec.protocol().key());
    tags.put("mlflow.source.git.commit", CodeVersion.get());
    if (!spec.description().isEmpty()) {
      tags.put("mlflow.note.content", spec.description());
    }
    return tags;
  }

  private static Map<String, String> parentParams(PipelineSpec spec, RunOptions options) {
    Map<String, String> p = new TreeMap<>();
    p.put("dataset", spec.dataset().name());
    p.put("models", String.join(",", spec.models().stream().map(m -> m.name()).toList()));
    p.put("seeds", spec.seeds().toString());
    p.put("attacks", String.join(",", spec.attacks().stream().map(a -> a.name()).toList()));
    p.put("evaluation.examples", Integer.toString(spec.evaluation().examples()));
    p.put("evaluation.sampling", spec.evaluation().sampling());
    p.put("runner", options.runner().name().toLowerCase(java.util.Locale.ROOT));
    p.put("parallelism", Integer.toString(options.parallelism()));
    p.put("device", options.device());
    p.put("store", options.store());
    if (options.flinkMaster() != null) {
      p.put("flink.master", options.flinkMaster().toString());
    }
    return p;
  }

  /** @param jobName the job's name in the Flink UI (the spec's name; only a remote cluster shows it) */
  static PipelineOptions beamOptions(RunOptions options, String jobName) {
    return switch (options.runner()) {
      case DIRECT -> {
        DirectOptions o = PipelineOptionsFactory.as(DirectOptions.class);
        o.setRunner(DirectRunner.class);
        o.setTargetParallelism(options.parallelism());
        o.setBlockOnRun(true);
        yield o;
      }
      case FLINK -> {
        FlinkPipelineOptions o = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
        o.setRunner(FlinkRunner.class);
        o.setParallelism(options.parallelism());
        o.setStreaming(false);
        if (options.flinkMaster() == null) {
          o.setFlinkMaster("[local]");
        } else {
          o.setFlinkMaster(options.flinkMaster().toString());
          o.setFilesToStage(JobJars.fromClasspath());
          o.setJobName("drelu-" + jobName);
          // No restart settings here: Beam 2.70's batch translation ignores --numberOfExecutionRetries
          // (only its streaming one applies it), and a --flinkConfDir restart-strategy did not reach
          // the job either. The cluster's own restart-strategy (ci/flink-cluster.sh: fixed-delay, 3
          // attempts) restarts a job that lost a TaskManager; committed artifacts are then reused.
        }
        yield o;
      }
    };
  }
}
