package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.AttackSource;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
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

  /**
   * On a model without caps, straight-through PGD and PGD transferred from the model's ReLU twin
   * (the model itself) are plain PGD: the plan computes it once, the table and the diagnostics
   * still see each attack, and each attack run on its own gives those very results.
   */
  @Test
  void onAPlainReluModelTheAdaptiveAttacksArePlainPgdComputedOnce(@TempDir Path dir) throws Exception {
    String adaptive = """
          - {name: pgd-bpda, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04, straight-through: true}
          - {name: pgd-transfer, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04, source: relu-twin}
        """;
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, "x", 1, 2, adaptive));
    Path store = dir.resolve("store");
    ExperimentResult r = ExperimentRunner.run(spec, options(store));
    List<String> onRelu = r.plan().attack().stream().filter(t -> t.modelLabel().startsWith("dense-relu"))
        .map(t -> t.attack().name()).distinct().toList();
    assertEquals(List.of("fgsm", "pgd"), onRelu);
    assertEquals(2 * 4 + 2 * 2, r.plan().attack().size(), "shards of 4 attacks on dense-drelu, 2 on dense-relu");

    SummaryTable.Row relu = r.table().rows().get(0);
    assertEquals("dense-relu s1", relu.model());
    assertEquals(relu.accuracy().get("pgd"), relu.accuracy().get("pgd-bpda"));
    assertEquals(relu.accuracy().get("pgd"), relu.accuracy().get("pgd-transfer"));
    ArtifactStore s = ArtifactStore.open(store.toString());
    Tasks.Diagnose diagnose = r.plan().diagnose().get(0);
    assertEquals(List.of("fgsm", "pgd", "pgd-bpda", "pgd-transfer"),
        diagnose.runs().stream().filter(run -> run.role() == Diagnostics.Role.MAIN).map(run -> run.attack().name())
            .distinct().toList());
    for (String check : List.of("straight-through", "transfer")) {
      Diagnostics.Check c = Diagnosis.read(s, diagnose.key()).report().checks().stream()
          .filter(x -> x.name().equals(check)).findFirst().orElseThrow();
      assertEquals(Boolean.TRUE, c.passed(), c.toString()); // found both runs, and no gap between them
    }

    // the honest part: each adaptive attack, run for itself, gives the plain attack's results
    AttackOutcome pgd = AttackOutcome.concat(outcomes(r, store, "pgd", "dense-relu"));
    Tasks.Train model = r.plan().train().get(0);
    ImageDataset test = spec.evaluation().sample(PreparedData.read(s, model.datasetKey()).test(new DatasetCache()));
    try (Classifier net = TrainedModel.read(s, model.key()).load(ai.djl.Device.cpu())) {
      for (String name : List.of("pgd-bpda", "pgd-transfer")) {
        AttackParams a = spec.attacks().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        AttackOutcome own = RobustEvaluator.run(net, net, test, a, 30, n -> { });
        assertArrayEquals(pgd.index(), own.index(), name);
        assertArrayEquals(pgd.adversarialPrediction(), own.adversarialPrediction(), name);
        assertArrayEquals(pgd.zeroGradient(), own.zeroGradient(), name);
        assertArrayEquals(pgd.linf(), own.linf(), 0.0, name);
        assertArrayEquals(pgd.l2(), own.l2(), 0.0, name);
      }
    }
  }
}
