package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.core.Progress;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Manifest;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacked examples are a class-stratified sample of the test split, the same for every model
 * and attack, and the artifacts say so. The npm digits are stored digit by digit: attacking "the
 * first 30" once meant attacking zeros only.
 */
@Slow
class EvaluationSampleTest {
  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  @Test
  void everyAttackSeesTheSameStratifiedSampleAndTheManifestRecordsIt(@TempDir Path dir) throws Exception {
    Path file = TinyPipeline.write(dir, "x", 1);
    Files.writeString(file, Files.readString(file).replace("examples: 60", "examples: 30\n  sampling-seed: 5"));
    PipelineSpec spec = SpecLoader.load(file);
    Path store = dir.resolve("store");
    ExperimentResult result = ExperimentRunner.run(spec,
        new RunOptions(RunOptions.Runner.DIRECT, 2, store, TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    ArtifactStore s = ArtifactStore.open(store.toString());
    int[] firstIndices = null;
    for (Tasks.Attack t : result.plan().attack()) {
      dev.drelu.store.Artifact artifact = s.open("attack", t.key());
      AttackOutcome o = AttackResult.read(artifact).outcome();
      assertEquals(30, o.size());
      int[] counts = new int[10];
      for (int label : o.label()) {
        counts[label]++;
      }
      // 60 test digits, about 6 of each; half of them: 3 of each, give or take one
      for (int c = 0; c < 10; c++) {
        assertTrue(counts[c] >= 2 && counts[c] <= 4, "digit " + c + ": " + Arrays.toString(counts));
      }
      if (firstIndices == null) {
        firstIndices = o.index();
      } else {
        assertTrue(Arrays.equals(firstIndices, o.index()), "every model and attack sees the same examples");
      }
      Manifest m = artifact.manifest();
      Map<?, ?> evaluation = (Map<?, ?>) m.params().get("evaluation");
      assertEquals("stratified by class, seed 5", evaluation.get("sampling"));
      assertTrue(m.summary().get("sample_classes").startsWith("0:"), m.summary().toString());
      assertTrue(m.summary().get("reproducibility").startsWith("bit-identical for this key on cpu"),
          m.summary().toString());
    }
  }
}
