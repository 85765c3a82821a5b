package dev.drelu.pipeline;

import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a plan's tasks in this JVM without Beam, stage by stage in the order the Beam graph gives
 * them, through the same stage services and {@link StageRunner}: each task is reused if its
 * artifact is intact, else computed, and logs its MLflow run either way.
 *
 * <p>For a plan with nothing to compute. Such a rerun only reads manifests and logs one run per
 * task, and building and starting a Beam pipeline (or a Flink job) took longer than all of that.
 * What remains is waiting for the tracking server (three requests per task), so the tasks of a
 * stage, which never depend on each other, run on a few threads, each with its own tracker as a
 * Beam worker has. Should an artifact vanish between planning and running, its task is computed
 * here: slower, but the same result.
 */
final class InProcessExecution {
  /**
   * Tasks of a stage run at once. Reusing a task is three small requests to the tracking server;
   * four keep it (or a remote server's latency) busy without flooding it.
   */
  static final int THREADS = 4;

  private InProcessExecution() {}

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
    List<Tracker> trackers = new ArrayList<>();
    // a worker per thread, as Beam has one per DoFn instance: a tracker serialises its calls, the
    // stages keep per-worker dataset caches
    ThreadLocal<Worker> workers = ThreadLocal.withInitial(() -> {
      Tracker tracker = context.tracking().open();
      synchronized (trackers) {
        trackers.add(tracker);
      }
      return new Worker(new StageRunner(ArtifactStore.open(context.storeRoot()), tracker, context, tally));
    });
    ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "drelu-reuse");
      t.setDaemon(true);
      return t;
    });
    try {
      runStages(plan, new Waves(threads, workers));
    } finally {
      threads.shutdownNow();
      synchronized (trackers) {
        trackers.forEach(Tracker::close);
      }
    }
    return new ExecutionCounts(computed.get(), reused.get());
  }

  /** One thread's runner and stages. */
  private record Worker(StageRunner runner, TrainStage train, AttackStage attack, DiagnoseStage diagnose) {
    Worker(StageRunner runner) {
      this(runner, new TrainStage(), new AttackStage(), new DiagnoseStage());
    }
  }

  /** A stage's task on a thread's own worker. */
  @FunctionalInterface
  private interface Step<T> {
    void run(T task, Worker worker) throws Exception;
  }

  /** Runs one wave of independent tasks at once and waits for all of them. */
  private record Waves(ExecutorService threads, ThreadLocal<Worker> workers) {
    <T> void run(List<T> tasks, Step<T> step) throws Exception {
      List<Future<?>> running = new ArrayList<>();
      for (T task : tasks) {
        running.add(threads.submit(() -> {
          step.run(task, workers.get());
          return null;
        }));
      }
      try {
        for (Future<?> f : running) {
          f.get();
        }
      } catch (ExecutionException e) {
        running.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw (Error) e.getCause();
      }
    }
  }

  /** The stages {@link ExperimentPipeline} builds, skipped where it stops. */
  private static void runStages(Plan plan, Waves waves) throws Exception {
    CacheControl cache = plan.cache();
    waves.run(plan.prepare(), (t, w) -> PrepareStage.run(t, w.runner()));
    if (cache.policy(Stage.TRAIN) == StagePolicy.SKIP) {
      return;
    }
    // models that continue another trained model come after the first wave, as in the graph
    for (boolean continued : new boolean[] {false, true}) {
      waves.run(plan.train().stream().filter(t -> (t.initFromKey() != null) == continued).toList(),
          (t, w) -> w.train().run(t, w.runner()));
    }
    if (cache.policy(Stage.ATTACK) == StagePolicy.SKIP) {
      return;
    }
    waves.run(plan.attack(), (t, w) -> w.attack().run(t, w.runner()));
    if (cache.policy(Stage.DIAGNOSE) == StagePolicy.SKIP) {
      return;
    }
    waves.run(plan.diagnose(), (t, w) -> w.diagnose().run(t, w.runner()));
    if (cache.policy(Stage.SUMMARISE) == StagePolicy.SKIP) {
      return;
    }
    waves.run(List.of(plan.summarise()), (t, w) -> SummariseStage.run(t, w.runner()));
  }
}
