package dev.drelu.pipeline;

import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.Tracker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a plan's tasks one after another in this JVM, stage by stage in the order the Beam graph
 * gives them, through the same stage services and {@link StageRunner}: each task is reused if its
 * artifact is intact, else computed, and logs its MLflow run either way.
 *
 * <p>For a plan with nothing to compute. Such a rerun only reads manifests and logs one run per
 * task, and building and starting a Beam pipeline (or a Flink job) took longer than all of that.
 * Should an artifact vanish between planning and running, its task is computed here, on this
 * thread: slower, but the same result.
 */
final class SequentialExecution {
  private SequentialExecution() {}

  /** @return what the tasks did, counted as they did it */
  static ExecutionCounts run(Plan plan, RunContext context) throws Exception {
    AtomicLong computed = new AtomicLong();
    AtomicLong reused = new AtomicLong();
    StageRunner.Tally tally = new StageRunner.Tally() {
      @Override
      public void computed() {
        computed.incrementAndGet();
      }

      @Override
      public void reused() {
        reused.incrementAndGet();
      }
    };
    try (Tracker tracker = context.tracking().open()) {
      StageRunner runner = new StageRunner(ArtifactStore.open(context.storeRoot()), tracker, context, tally);
      runStages(plan, runner);
    }
    return new ExecutionCounts(computed.get(), reused.get());
  }

  /** The stages {@link ExperimentPipeline} builds, skipped where it stops. */
  private static void runStages(Plan plan, StageRunner runner) throws Exception {
    CacheControl cache = plan.cache();
    for (Tasks.Prepare t : plan.prepare()) {
      PrepareStage.run(t, runner);
    }
    if (cache.policy(Stage.TRAIN) == StagePolicy.SKIP) {
      return;
    }
    TrainStage train = new TrainStage();
    // models that continue another trained model come after the first wave, as in the graph
    for (boolean continued : new boolean[] {false, true}) {
      for (Tasks.Train t : plan.train()) {
        if ((t.initFromKey() != null) == continued) {
          train.run(t, runner);
        }
      }
    }
    if (cache.policy(Stage.ATTACK) == StagePolicy.SKIP) {
      return;
    }
    AttackStage attack = new AttackStage();
    for (Tasks.Attack t : plan.attack()) {
      attack.run(t, runner);
    }
    if (cache.policy(Stage.DIAGNOSE) == StagePolicy.SKIP) {
      return;
    }
    DiagnoseStage diagnose = new DiagnoseStage();
    for (Tasks.Diagnose t : plan.diagnose()) {
      diagnose.run(t, runner);
    }
    if (cache.policy(Stage.SUMMARISE) == StagePolicy.SKIP) {
      return;
    }
    SummariseStage.run(plan.summarise(), runner);
  }
}
