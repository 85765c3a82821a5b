package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackSource;
import dev.drelu.core.Progress;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test-set shards are separate pipeline elements that add up to the unsharded run; transfer attacks use the ReLU twin. */
@Slow
class ShardsAndTransferTest {
  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  private static RunOptions options(Path store) {
    return new RunOptions(RunOptions.Runner.DIRECT, 2, store, TrackingConfig.disabled(), CacheControl.reuse(), "cpu");
  }

  private static List<AttackOutcome> outcomes(ExperimentResult r, Path store, String attack, String model) throws Exception {
    ArtifactStore s = ArtifactStore.open(store.toString());
    List<AttackOutcome> parts = new ArrayList<>();
    for (Tasks.Attack t : r.plan().attack()) {
      if (t.attack().name().equals(attack) && t.modelLabel().startsWith(model)) {
        parts.add(AttackResult.read(s, t.key()).outcome());
      }
    }
    return parts;
  }

  @Test
  void shardedEqualsUnsharded(@TempDir Path dir) throws Exception {
    PipelineSpec one = SpecLoader.load(TinyPipeline.write(java.nio.file.Files.createDirectories(dir.resolve("one")), "x", 1, 1, ""));
    PipelineSpec three = SpecLoader.load(TinyPipeline.write(java.nio.file.Files.createDirectories(dir.resolve("three")), "x", 1, 3, ""));
    Path store = dir.resolve("store");
    ExperimentResult whole = ExperimentRunner.run(one, options(store));
    ExperimentResult split = ExperimentRunner.run(three, options(store));
    assertEquals(2 * 2 * 3, split.plan().attack().size(), "models x attacks x shards elements");
    assertEquals(whole.table(), split.table());
    for (String attack : List.of("fgsm", "pgd")) {
      List<AttackOutcome> parts = outcomes(split, store, attack, "dense-drelu");
      assertEquals(3, parts.size());
      AttackOutcome joined = AttackOutcome.concat(parts);
      AttackOutcome single = outcomes(whole, store, attack, "dense-drelu").get(0);
      assertArrayEquals(single.index(), joined.index());
      assertArrayEquals(single.adversarialPrediction(), joined.adversarialPrediction());
      assertArrayEquals(single.linf(), joined.linf(), 1e-7);
      assertArrayEquals(single.l2(), joined.l2(), 1e-6);
    }
  }

  @Test
  void aTransferAttackCraftsOnThePlainReluTwin(@TempDir Path dir) throws Exception {
    String transfer = "  - {name: pgd-transfer, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04, source: relu-twin}";
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, "x", 1, 1, transfer));
    Path store = dir.resolve("store");
    ExperimentResult r = ExperimentRunner.run(spec, options(store));
    // the spec's dense-relu model is exactly dense-drelu's twin (same net, training and seed; no caps):
    // its key is reused, nothing extra is trained
    assertEquals(2, r.plan().train().size());
    String reluKey = r.plan().train().stream().filter(t -> t.entry().name().equals("dense-relu")).findFirst().orElseThrow().key();
    Tasks.Attack onDrelu = r.plan().attack().stream()
        .filter(t -> t.attack().source() == AttackSource.RELU_TWIN && t.modelLabel().startsWith("dense-drelu"))
        .findFirst().orElseThrow();
    assertEquals(reluKey, onDrelu.sourceModelKey());
    assertEquals(List.of(onDrelu.modelKey(), onDrelu.datasetKey(), reluKey), onDrelu.inputKeys());
    AttackOutcome o = outcomes(r, store, "pgd-transfer", "dense-drelu").get(0);
    for (double linf : o.linf()) {
      assertTrue(linf <= 0.1 + 1e-6);
    }
    assertTrue(r.table().rows().get(1).accuracy().containsKey("pgd-transfer"));
  }
}
