package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.testing.ToyData;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The speed changes of the attack path keep every result: attacks run with the weights' gradients
 * switched off (the input gradient is the same bits), and a model's clean pass, shared by all its
 * attacks, gives the same outcome as one made inside each attack.
 */
class InputGradientsOnlyTest {
  private static final ImageDataset TEST = ToyData.halves(64, 5);

  /** A trained D-ReLU model whose weights still require gradients, as a trainer leaves them. */
  private static Classifier trained() throws Exception {
    Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
    new Trainer(new TrainingParams(3, 32, 1e-2, 1e-3, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 1e-2, 7),
        Objective.NATURAL).train(model, ToyData.halves(128, 1), ToyData.halves(32, 2),
        Files.createTempDirectory("input-gradients"), TrainingListener.NONE);
    model.parameters().forEach(p -> assertTrue(p.getArray().hasGradient(), p.getName() + " requires a gradient"));
    return model;
  }

  @Test
  void theInputGradientIsTheSameBitsWithTheWeightsFrozen() throws Exception {
    try (Classifier model = trained(); NDManager m = model.manager().newSubManager()) {
      int[] rows = Batches.allRows(TEST.size());
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      float[] tracked = InputGradient.crossEntropy(model, x, y, false).toFloatArray();
      float[] frozen = model.withFrozenParameters(() -> InputGradient.crossEntropy(model, x, y, false)).toFloatArray();
      assertArrayEquals(tracked, frozen, 0f);
      assertTrue(java.util.stream.IntStream.range(0, frozen.length).anyMatch(i -> frozen[i] != 0f),
          "the gradient is not all zero (the check would be empty)");
    }
  }

  @Test
  void anAttackLeavesTheWeightsGradientsAndTheirTrackingAsTheyWere() throws Exception {
    try (Classifier model = trained()) {
      float[][] before = model.parameters().stream().map(p -> p.getArray().getGradient().toFloatArray())
          .toArray(float[][]::new);
      RobustEvaluator.run(model, TEST, PgdParams.of(0.2, 5), 16, n -> { });
      for (int i = 0; i < before.length; i++) {
        Parameter p = model.parameters().get(i);
        assertTrue(p.getArray().hasGradient(), p.getName() + " still requires a gradient for training");
        assertArrayEquals(before[i], p.getArray().getGradient().toFloatArray(), 0f,
            p.getName() + ": the attack's backward passes added nothing to the weights' gradient");
      }
    }
  }

  @Test
  void aSharedCleanPassGivesTheOutcomeOfOneMadeInsideTheAttack() throws Exception {
    try (Classifier model = trained()) {
      PgdParams pgd = PgdParams.of(0.2, 5);
      AttackOutcome inside = RobustEvaluator.run(model, TEST, pgd, 16, n -> { });
      RobustEvaluator.CleanPass shared = RobustEvaluator.cleanPass(model, TEST, 16);
      RobustEvaluator.run(model, model, TEST, FgsmParams.of(0.1), 16, shared, n -> { }); // another attack first
      AttackOutcome withShared = RobustEvaluator.run(model, model, TEST, pgd, 16, shared, n -> { });
      assertArrayEquals(inside.cleanPrediction(), withShared.cleanPrediction());
      assertArrayEquals(inside.zeroGradient(), withShared.zeroGradient());
      assertArrayEquals(inside.adversarialPrediction(), withShared.adversarialPrediction());
      assertArrayEquals(inside.linf(), withShared.linf(), 0);
      assertEquals(inside.summary().robustAccuracy(), withShared.summary().robustAccuracy());
    }
  }
}
