package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import dev.drelu.testing.ToyData;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attacks tested by what they must achieve, not by their code path. */
class AttackTest {
  private static final ImageDataset TEST = withExtremes(ToyData.halves(96, 5));
  private static Classifier trained;

  /** A naturally trained model on the toy task (shared: training takes a second). */
  @BeforeAll
  static void train() throws Exception {
    ImageDataset train = ToyData.halves(256, 1);
    ImageDataset val = ToyData.halves(64, 2);
    trained = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
    Path dir = Files.createTempDirectory("attack-test");
    new Trainer(new TrainingParams(6, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(trained, train, val, dir, TrainingListener.NONE);
  }

  /** Adds an all-black and an all-white image so clipping to [0, 1] is exercised. */
  private static ImageDataset withExtremes(ImageDataset d) {
    float[] p = new float[(d.size() + 2) * 64];
    System.arraycopy(d.pixels(), 0, p, 0, d.size() * 64);
    java.util.Arrays.fill(p, (d.size() + 1) * 64, (d.size() + 2) * 64, 1f);
    int[] labels = java.util.Arrays.copyOf(d.labels(), d.size() + 2);
    int[] index = java.util.Arrays.copyOf(d.indices(), d.size() + 2);
    index[d.size()] = 1000;
    index[d.size() + 1] = 1001;
    return new ImageDataset(p, labels, index, 1, 8, 8, 2);
  }

  @Test
  void fgsmOnALinearSoftmaxModelEqualsItsClosedForm() {
    // logits = W x + b on 4 pixels, 3 classes
    float[][] w = {{0.5f, -1f, 2f, 0.1f}, {-0.3f, 0.8f, -0.5f, 1.2f}, {1f, 0.2f, -0.7f, -0.4f}};
    float[] b = {0.1f, -0.2f, 0.05f};
    float[][] xs = {{0.2f, 0.95f, 0.5f, 0.03f}, {0.7f, 0.1f, 0.4f, 0.99f}};
    int[] ys = {0, 2};
    double eps = 0.1;
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(3).build());
    try (Classifier model = Classifier.fromBlock(block, new InputShape(1, 2, 2, 3), Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (p.getValue().getType() == Parameter.Type.WEIGHT) {
          p.getValue().getArray().set(FloatBuffer.wrap(flatten(w)));
        } else {
          p.getValue().getArray().set(FloatBuffer.wrap(b));
        }
      }
      NDArray x = m.create(flatten(xs), new Shape(2, 1, 2, 2));
      NDArray y = m.create(new long[] {ys[0], ys[1]});
      float[] adv = FgsmParams.of(eps).newAttack().perturb(model, x, y, new int[] {0, 1}).adversarial().toFloatArray();
      for (int n = 0; n < 2; n++) {
        double[] z = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
          z[k] = b[k];
          for (int i = 0; i < 4; i++) {
            z[k] += w[k][i] * xs[n][i];
          }
          max = Math.max(max, z[k]);
        }
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          sum += Math.exp(z[k] - max);
        }
        for (int i = 0; i < 4; i++) {
          double grad = 0; // dCE/dx_i = sum_k W_ki (p_k - [k == y])
          for (int k = 0; k < 3; k++) {
            grad += w[k][i] * (Math.exp(z[k] - max) / sum - (k == ys[n] ? 1 : 0));
          }
          double expected = Math.min(1, Math.max(0, xs[n][i] + eps * Math.signum(grad)));
          assertEquals(expected, adv[n * 4 + i], 1e-6, "example " + n + " pixel " + i);
        }
      }
    }
  }

  private static float[] flatten(float[][] a) {
    float[] out = new float[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
    }
    return out;
  }

  @Test
  void pgdNeverLeavesTheEpsBallOrTheUnitInterval() {
    // a step larger than eps makes the projection do real work
    AttackParams pgd = PgdParams.builder().epsilon(0.05).steps(10).stepSize(0.03).seed(11).build();
    int[] rows = Batches.allRows(TEST.size());
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      float[] clean = x.toFloatArray();
      float[] adv = pgd.newAttack().perturb(trained, x, y, TEST.indices()).adversarial().toFloatArray();
      for (int i = 0; i < adv.length; i++) {
        assertTrue(adv[i] >= 0f && adv[i] <= 1f, "pixel " + i + " = " + adv[i]);
        assertTrue(Math.abs(adv[i] - clean[i]) <= 0.05 + 1e-6, "pixel " + i + " moved " + Math.abs(adv[i] - clean[i]));
      }
    }
    AttackSummary s = RobustEvaluator.run(trained, TEST, pgd, 32, n -> { }).summary();
    assertTrue(s.maxLinf() <= 0.05 + 1e-6, "max linf " + s.maxLinf());
  }

  @Test
  void l2PgdStaysInTheL2BallAndTheUnitInterval() {
    AttackParams pgd = PgdParams.builder().norm(Norm.L2).epsilon(0.5).steps(10).stepSize(0.3).seed(2).build();
    AttackOutcome o = RobustEvaluator.run(trained, TEST, pgd, 32, n -> { });
    for (int i = 0; i < o.size(); i++) {
      assertTrue(o.l2()[i] <= 0.5 + 1e-5, "example " + i + " moved " + o.l2()[i] + " in L2");
    }
    assertTrue(o.summary().robustAccuracy() < o.summary().cleanAccuracy(), "L2 PGD lowers accuracy");
    int[] rows = Batches.allRows(TEST.size());
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      for (float v : pgd.newAttack().perturb(trained, x, y, TEST.indices()).adversarial().toFloatArray()) {
        assertTrue(v >= 0f && v <= 1f);
      }
    }
  }

  @Test
  void restartsNeverWeakenPgdAndCountTheirQueries() {
    PgdParams.Builder b = PgdParams.builder().epsilon(0.15).steps(5).stepSize(0.05).seed(4);
    AttackOutcome once = RobustEvaluator.run(trained, TEST, b.build(), 32, n -> { });
    AttackOutcome thrice = RobustEvaluator.run(trained, TEST, b.restarts(3).build(), 32, n -> { });
    assertTrue(thrice.summary().robustAccuracy() <= once.summary().robustAccuracy());
    for (int i = 0; i < once.size(); i++) {
      boolean fooledFirst = once.adversarialPrediction()[i] != once.label()[i];
      if (fooledFirst) {
        assertEquals(5, thrice.queries()[i], "an example fooled by the first run is not attacked again");
        assertEquals(once.adversarialPrediction()[i], thrice.adversarialPrediction()[i]);
      } else {
        assertEquals(15, thrice.queries()[i]);
      }
    }
  }

  @Test
  void attacksLowerAccuracyAndPgdIsAtLeastAsStrongAsFgsm() {
    AttackSummary fgsm = RobustEvaluator.run(trained, TEST, FgsmParams.of(0.3), 32, n -> { }).summary();
    AttackSummary pgd = RobustEvaluator.run(trained, TEST, PgdParams.of(0.3, 20), 32, n -> { }).summary();
    assertTrue(fgsm.cleanAccuracy() > 0.9, "clean " + fgsm.cleanAccuracy());
    assertTrue(fgsm.robustAccuracy() < fgsm.cleanAccuracy(), "fgsm " + fgsm.robustAccuracy());
    assertTrue(pgd.robustAccuracy() <= fgsm.robustAccuracy(), "pgd " + pgd.robustAccuracy() + " fgsm " + fgsm.robustAccuracy());
  }

  @Test
  void anUnboundedGradientAttackReachesZeroAccuracy() {
    AttackParams unbounded = PgdParams.builder().epsilon(1.0).steps(50).stepSize(0.1).build();
    assertEquals(0.0, RobustEvaluator.run(trained, TEST, unbounded, 32, n -> { }).summary().robustAccuracy());
    assertEquals(0.0, RobustEvaluator.run(trained, TEST, FgsmParams.of(1.0), 32, n -> { }).summary().robustAccuracy(),
        0.05, "FGSM at eps 1 leaves almost nothing on a linear-ish toy model");
  }

  @Test
  void zeroEpsilonChangesNothing() {
    for (AttackParams p : new AttackParams[] {FgsmParams.of(0), PgdParams.of(0, 5)}) {
      AttackOutcome o = RobustEvaluator.run(trained, TEST, p, 32, n -> { });
      assertArrayEquals(o.cleanPrediction(), o.adversarialPrediction());
      assertEquals(0.0, o.summary().maxLinf());
      assertEquals(o.summary().cleanAccuracy(), o.summary().robustAccuracy());
    }
  }

  @Test
  void resultsDependOnTheSeedAndTheExampleButNotOnTheBatching() {
    AttackParams pgd = PgdParams.builder().epsilon(0.2).steps(5).stepSize(0.05).seed(3).build();
    AttackOutcome big = RobustEvaluator.run(trained, TEST, pgd, 64, n -> { });
    AttackOutcome small = RobustEvaluator.run(trained, TEST, pgd, 7, n -> { });
    AttackOutcome again = RobustEvaluator.run(trained, TEST, pgd, 64, n -> { });
    assertArrayEquals(big.adversarialPrediction(), small.adversarialPrediction());
    assertArrayEquals(big.linf(), small.linf(), 1e-6);
    assertArrayEquals(big.l2(), again.l2(), 0.0);
    assertEquals(TEST.size(), big.size());
    assertArrayEquals(TEST.indices(), big.index());
  }

  @Test
  void capsAboveTheInputMaskGradientsAndStraightThroughSeesPastThem() {
    // caps of 1e-4: nearly every head unit sits above its cap, so its input gradient is exactly 0
    try (Classifier capped = Classifier.create(ToyData.dense(ActivationKind.DRELU, 1e-4), ToyData.SHAPE, 3, Device.cpu())) {
      AttackOutcome plain = RobustEvaluator.run(capped, TEST, FgsmParams.of(0.1), 32, n -> { });
      AttackOutcome bpda = RobustEvaluator.run(capped, TEST, FgsmParams.of(0.1).withStraightThrough(true), 32, n -> { });
      assertTrue(plain.summary().zeroGradientFraction() > 0.9, "zero-gradient share " + plain.summary().zeroGradientFraction());
      int moved = 0;
      for (int i = 0; i < plain.size(); i++) {
        if (plain.zeroGradient()[i] == 1) {
          assertEquals(0.0, plain.linf()[i], "FGSM cannot move where the gradient is zero");
        }
        moved += bpda.linf()[i] > 0.099 ? 1 : 0;
      }
      assertTrue(moved > 0.9 * plain.size(), "straight-through FGSM moved " + moved + " of " + plain.size());
    }
  }
}
