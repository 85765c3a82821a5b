package dev.drelu.pipeline;

import dev.drelu.spec.PipelineSpec;
import dev.drelu.tracking.Tracker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Opens a pipeline's tracker and ends the runs of killed drelu processes on a thread of its own,
 * while the pipeline is planned.
 *
 * <p>Why: both are short, but they wait on different things. Planning reads the store; the
 * tracking start waits on the tracking server (find the experiment, search its runs, end the dead
 * ones). Side by side, a cached rerun's tracking start no longer adds to its wall time. The pipeline's
 * own run is still started after planning, so a spec that cannot be planned leaves no run behind.
 */
final class TrackingStart {
  private final CompletableFuture<Opened> opened;

  /** The open tracker, and how many runs of killed processes it marked KILLED. */
  private record Opened(Tracker tracker, int killedRuns) {}

  private TrackingStart(CompletableFuture<Opened> opened) {
    this.opened = opened;
  }

  /** Starts opening the tracker of the spec's experiment. */
  static TrackingStart begin(PipelineSpec spec, RunOptions options) {
    CompletableFuture<Opened> opened = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        opened.complete(open(spec, options));
      } catch (Throwable t) {
        opened.completeExceptionally(t);
      }
    }, "drelu-tracking-start");
    thread.setDaemon(true);
    thread.start();
    return new TrackingStart(opened);
  }

  private static Opened open(PipelineSpec spec, RunOptions options) {
    Tracker tracker = options.tracking().withExperimentName(spec.experiment()).open();
    try {
      // a killed earlier execution could not end its runs; say so on them before adding new ones
      return new Opened(tracker, tracker.endRunsOfDeadProcesses(spec.experiment()));
    } catch (RuntimeException | Error e) {
      tracker.close();
      throw e;
    }
  }

  /** @return the open tracker, once it is; the caller closes it */
  Tracker tracker() {
    return join().tracker();
  }

  /** @return the runs of killed processes marked KILLED (0 while offline) */
  int killedRuns() {
    return join().killedRuns();
  }

  /** Waits for the start and closes its tracker: planning failed, so no run will use it. */
  void abandon() {
    try {
      join().tracker().close();
    } catch (RuntimeException | Error e) {
      // the planning error is the one to report; a tracker that failed to open has nothing to close
    }
  }

  private Opened join() {
    try {
      return opened.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
