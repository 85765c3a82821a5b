package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;
import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.Tracker;
import dev.drelu.tracking.TrackingConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A child JVM for {@link ConcurrentRunsTest}: runs one tiny task through
 * {@link StageRunner#execute}, as {@code drelu run} does for every task. Its work appends this
 * pid to a log (so the test counts computations), creates a "started" marker, and then waits
 * for a gate file, so the test decides how long it holds the lock.
 *
 * <p>Arguments: store folder, computations log, started marker, gate file.
 */
public final class TinyStageMain {
  private TinyStageMain() {}

  /** The task: a summarise-stage artifact with one file. */
  record TinyTask(String key) implements StageTask {
    @Override
    public Stage stage() {
      return Stage.SUMMARISE;
    }

    @Override
    public String label() {
      return "tiny";
    }

    @Override
    public Map<String, Object> params() {
      return Map.of("n", 1);
    }

    @Override
    public List<String> inputKeys() {
      return List.of();
    }
  }

  static final String KEY = "f".repeat(64);

  /** The output: which process computed it. */
  record TinyOutput(String by) implements StageOutput {
    static TinyOutput read(dev.drelu.store.Artifact a) throws java.io.IOException {
      return new TinyOutput(dev.drelu.store.SummaryFields.of(a).label("by"));
    }

    @Override
    public dev.drelu.store.SummaryFields fields() {
      return new dev.drelu.store.SummaryFields().label("by", by);
    }
  }

  public static void main(String[] args) throws Exception {
    Path store = Path.of(args[0]);
    Path computations = Path.of(args[1]);
    Path started = Path.of(args[2]);
    Path gate = Path.of(args[3]);
    RunContext context = new RunContext(store.toString(), TrackingConfig.disabled(), "locks", null,
        CacheControl.reuse(), "cpu");
    StageRunner runner = new StageRunner(ArtifactStore.open(store.toString()), Tracker.disabled(), context);
    String pid = Long.toString(ProcessHandle.current().pid());
    ArtifactRef ref = runner.execute(new TinyTask(KEY), TinyOutput::read, (staging, runId) -> {
      Files.writeString(computations, pid + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Files.writeString(started, pid);
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (!Files.exists(gate)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the test never opened the gate " + gate);
        }
        Thread.sleep(20);
      }
      Files.writeString(staging.file("result.txt"), pid);
      return new TinyOutput(pid);
    });
    System.out.println("artifact " + ref.location() + " by " + ref.summary().get("by"));
  }
}
