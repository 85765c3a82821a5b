package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.LocalArtifactStore;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task's MLflow run gets from its output, computed or reused, and what the runner does with
 * a stored artifact whose output cannot be read back.
 */
class StageRunnerTest {
  @TempDir Path root;

  /** An attack-stage task: its output is an {@link AttackResult}. */
  record AttackLike(String key) implements StageTask {
    @Override
    public Stage stage() {
      return Stage.ATTACK;
    }

    @Override
    public String label() {
      return "pgd on toy";
    }

    @Override
    public Map<String, Object> params() {
      return Map.of("attack", "pgd");
    }

    @Override
    public List<String> inputKeys() {
      return List.of();
    }
  }

  private static final AttackOutcome OUTCOME = new AttackOutcome("pgd", new int[] {0, 1}, new int[] {1, 0},
      new int[] {1, 0}, new int[] {0, 0}, new double[] {0.1, 0.1}, new double[] {1.0, 1.0}, new int[] {0, 0},
      new int[] {10, 10}, 1.0);

  private final AtomicInteger computed = new AtomicInteger();

  private StageRunner runner(RecordingTracker tracker) {
    RunContext context = new RunContext(root.toString(), TrackingConfig.disabled(), "x", null, CacheControl.reuse(),
        "cpu");
    return new StageRunner(new LocalArtifactStore(root), tracker, context);
  }

  private void run(StageRunner runner, String key) throws Exception {
    runner.execute(new AttackLike(key), AttackResult::read, (staging, runId) -> {
      computed.incrementAndGet();
      return AttackResult.write(OUTCOME, "0:1,1:1", staging);
    });
  }

  @Test
  void aReusedArtifactLogsTheSameMetricsAndTagsAsItsComputation() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    run(runner(tracker), "k");
    run(runner(tracker), "k");

    assertEquals(1, computed.get(), "the second execution reuses the artifact");
    RecordingTracker.Run first = tracker.runs().get(0);
    RecordingTracker.Run second = tracker.runs().get(1);
    assertEquals(new AttackResult(OUTCOME.summary(), "0:1,1:1", null).metrics(), first.metrics());
    assertEquals(first.metrics(), second.metrics());
    for (RecordingTracker.Run r : List.of(first, second)) {
      assertEquals("pgd", r.tags().get("drelu.summary.attack"));
      assertEquals("0:1,1:1", r.tags().get("drelu.summary.sample_classes"));
    }
    String reproducibility = first.tags().get("drelu.summary.reproducibility");
    assertTrue(reproducibility.startsWith("bit-identical for this key on cpu"), reproducibility);
    // another processor picks other kernels, so the statement names this one
    assertTrue(reproducibility.contains(", on " + Reproducibility.processor() + ";"), reproducibility);
    assertFalse(Reproducibility.processor().isBlank());
    assertEquals(reproducibility, second.tags().get("drelu.summary.reproducibility"),
        "the reused run states the stored artifact's reproducibility");
    assertEquals("false", first.tags().get("drelu.cached"));
    assertEquals("true", second.tags().get("drelu.cached"));
  }

  @Test
  void anIntactArtifactWhoseOutputCannotBeReadBackIsRecomputedNotTrusted() throws Exception {
    // committed under the task's key with intact hashes, but without the attack's summary
    ArtifactStore store = new LocalArtifactStore(root);
    ArtifactStore.Staging staging = store.begin(Stage.ATTACK.key(), "k");
    java.nio.file.Files.writeString(staging.file("results.arrow"), "not what the attack stage writes");
    store.commit(staging, Stage.ATTACK.version(), Map.of(), List.of(), Map.of("attack", "pgd"));
    assertTrue(store.lookup(Stage.ATTACK.key(), "k") instanceof ArtifactStore.Hit, "the store finds it intact");

    run(runner(new RecordingTracker()), "k");

    assertEquals(1, computed.get(), "recomputed");
    AttackResult replaced = AttackResult.read(store, "k");
    assertEquals(OUTCOME.summary().robustAccuracy(), replaced.summary().robustAccuracy());
    assertEquals(2, replaced.outcome().size());
  }
}
