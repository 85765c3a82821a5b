package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.PgdParams;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import dev.drelu.testing.ToyData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AT and TRADES: the KL term, no leaking attack gradients, and AT really trains on adversarial examples. */
class AdversarialTrainingTest {
  private static final ImageDataset TRAIN = ToyData.halves(256, 1);
  private static final ImageDataset VAL = ToyData.halves(64, 2);
  private static final ImageDataset TEST = ToyData.halves(128, 3);

  @Test
  void tradesKlIsZeroWhenTheAdversarialIsTheInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = m.create(new float[] {1.5f, -0.3f, 2.2f, 0.1f, 0f, -1f}, new Shape(2, 3));
      assertEquals(0f, Trades.kl(z, z).getFloat(), 1e-7f);
      NDArray other = m.create(new float[] {0f, 0f, 0f, 3f, -2f, 1f}, new Shape(2, 3));
      assertTrue(Trades.kl(z, other).getFloat() > 0.1f);
    }
  }

  @Test
  void tradesKlGradientMatchesAFiniteDifference() {
    float[] p = {1.5f, -0.3f, 2.2f, 0.1f, 0f, -1f};
    float[] q = {0.2f, 0.9f, -0.4f, 1.1f, -0.6f, 0.3f};
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray qArray = m.create(q, new Shape(2, 3));
      qArray.setRequiresGradient(true);
      float[] grad;
      try (Autograd a = Autograd.record()) {
        a.backward(Trades.kl(m.create(p, new Shape(2, 3)), qArray));
        grad = qArray.getGradient().toFloatArray();
      }
      double h = 1e-3;
      for (int i = 0; i < q.length; i++) {
        double up = klAt(m, p, q, i, h);
        double down = klAt(m, p, q, i, -h);
        assertEquals((up - down) / (2 * h), grad[i], 2e-3, "d KL / d q[" + i + "]");
      }
    }
  }

  private static double klAt(NDManager m, float[] p, float[] q, int i, double h) {
    float[] shifted = q.clone();
    shifted[i] += (float) h;
    try (Autograd off = Autograd.off()) {
      return Trades.kl(m.create(p, new Shape(2, 3)), m.create(shifted, new Shape(2, 3))).getFloat();
    }
  }

  @Test
  void theAttackInsideATrainingStepLeavesNoGradientInTheParameters() {
    AdversarialTraining at = AdversarialTraining.at(0.2);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      model.parameters().forEach(p -> p.getArray().setRequiresGradient(true));
      int[] rows = Batches.allRows(32);
      NDArray x = Batches.images(m, TRAIN, rows, 0, 32);
      NDArray y = Batches.labels(m, TRAIN, rows, 0, 32);
      List<float[]> viaObjective = gradients(model, () -> new PgdTraining(at).loss(model, x, y, 77).loss());
      // the same adversarial batch, crafted outside any training step
      AttackParams pgd = PgdParams.builder().epsilon(at.epsilon()).steps(at.steps())
          .stepSize(at.stepSize()).seed(77).build();
      NDArray adv = model.withFrozenParameters(() -> pgd.newAttack().perturb(model, x, y, rows).adversarial());
      List<float[]> direct = gradients(model, () -> Losses.crossEntropy(model.forward(adv, true), y).mean());
      for (int i = 0; i < direct.size(); i++) {
        assertArrayEquals(direct.get(i), viaObjective.get(i), 1e-6f, "parameter " + i);
      }
    }
  }

  private static List<float[]> gradients(Classifier model, java.util.function.Supplier<NDArray> loss) {
    List<float[]> out = new ArrayList<>();
    try (Autograd a = Autograd.record()) {
      a.backward(loss.get());
    }
    model.parameters().forEach(p -> {
      NDArray g = p.getArray().getGradient();
      out.add(g.toFloatArray());
      g.subi(g); // zero for the next measurement
    });
    return out;
  }

  @Test
  void atContinuingTheNaturalModelRaisesItsPgdAccuracy(@TempDir Path dir) throws Exception {
    TrainingParams natural = new TrainingParams(6, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7);
    AttackParams pgd = PgdParams.of(0.25, 10);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu())) {
      new Trainer(natural, Objective.NATURAL).train(model, TRAIN, VAL, dir.resolve("natural"), TrainingListener.NONE);
      double before = RobustEvaluator.run(model, TEST, pgd, 64, n -> { }).summary().robustAccuracy();
      TrainingParams at = natural.withMaxEpochs(6).withAdversarial(AdversarialTraining.at(0.25))
          .withSeed(8);
      new Trainer(at, Objective.of(at)).train(model, TRAIN, VAL, dir.resolve("at"), TrainingListener.NONE);
      double after = RobustEvaluator.run(model, TEST, pgd, 64, n -> { }).summary().robustAccuracy();
      assertTrue(after > before + 0.1, "PGD accuracy " + before + " -> " + after + " after AT");
    }
  }

  @Test
  void tradesTrainsAndKeepsTheCleanAccuracy(@TempDir Path dir) throws Exception {
    TrainingParams trades = new TrainingParams(4, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7)
        .withAdversarial(new AdversarialTraining(AdversarialTraining.Method.TRADES, 0.2, 5, 0.05, 6, false, 10));
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(trades, Objective.of(trades)).train(model, TRAIN, VAL, dir, TrainingListener.NONE);
      assertTrue(out.best().validationAccuracy() > 0.9, "val accuracy " + out.best().validationAccuracy());
      assertTrue(Double.isFinite(out.best().trainLoss()));
    }
  }
}
