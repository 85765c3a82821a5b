package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.core.Progress;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline with attacks at three bounds reports one worst case per bound, and CW-L2's median distance. */
@Slow
class WorstCaseTest {
  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  private static RunOptions options(Path store) {
    return new RunOptions(RunOptions.Runner.DIRECT, 2, store, TrackingConfig.disabled(), CacheControl.reuse(), "cpu");
  }

  @Test
  void attacksOfOtherBoundsNeverEnterAWorstCase(@TempDir Path dir) throws Exception {
    String extra = """
          - {name: pgd-big, method: pgd, epsilon: 0.5, steps: 5}
          - {name: cw, method: cw-l2, epsilon: 18, steps: 30, binary-search-steps: 2, initial-const: 10, learning-rate: 0.1}
        """;
    ExperimentResult r = ExperimentRunner.run(SpecLoader.load(TinyPipeline.write(dir, "x", 2, 1, extra)),
        options(dir.resolve("store")));
    SummaryTable t = r.table();
    assertEquals(List.of("Linf 0.1", "Linf 0.5", "L2 18"), t.threatModels());
    assertEquals(List.of("cw"), t.minimumDistance());
    ArtifactStore store = ArtifactStore.open(dir.resolve("store").toString());
    for (SummaryTable.Row row : t.rows()) {
      List<AttackOutcome> small = new ArrayList<>();
      for (Tasks.Attack a : r.plan().attack()) {
        if (a.modelKey().equals(row.modelKey()) && List.of("fgsm", "pgd").contains(a.attack().name())) {
          small.add(AttackResult.read(store, a.key()).outcome());
        }
      }
      assertEquals(2, small.size());
      assertEquals(RobustnessMeasures.worstCase(small), row.worstCase().get("Linf 0.1"), 1e-12, row.model());
      assertTrue(row.worstCase().get("Linf 0.1") <= Math.min(row.accuracy().get("fgsm"), row.accuracy().get("pgd")));
      assertEquals(row.accuracy().get("pgd-big"), row.worstCase().get("Linf 0.5"), 1e-12, "a bound of its own");
      double median = row.medianL2().get("cw");
      assertTrue(median > 0 && median <= 18, row.model() + ": median L2 " + median);
    }
    assertTrue(t.toMarkdown().lines().findFirst().orElseThrow().contains("worst Linf 0.1"));
  }

  @Test
  void aDivergingModelStopsThePipelineNamingItAndCommitsNothing(@TempDir Path dir) throws Exception {
    Path file = TinyPipeline.write(dir, "x", 2);
    Files.writeString(file, Files.readString(file).replace("learning-rate: 0.01", "learning-rate: 1.0e6"));
    // one task at a time: no other training is still writing when the run has failed
    RunOptions one = new RunOptions(RunOptions.Runner.DIRECT, 1, dir.resolve("store"), TrackingConfig.disabled(),
        CacheControl.reuse(), "cpu");
    Exception e = assertThrows(Exception.class, () -> ExperimentRunner.run(SpecLoader.load(file), one));
    Throwable root = e;
    while (root.getCause() != null && !(root instanceof dev.drelu.train.TrainingDivergedException)) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().matches("dense-(relu|drelu) s1: training diverged.*"), root.getMessage());
    Path train = dir.resolve("store/train");
    long committed = Files.isDirectory(train) ? Files.list(train).count() : 0;
    assertEquals(0, committed, "no trained model is stored for a diverged run");
  }
}
