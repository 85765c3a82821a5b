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
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.testing.ScriptedNets;
import dev.drelu.testing.ToyData;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on an external TorchScript model: the same weights give the same outcomes as drelu's own
 * network, and a large bound breaks every example without leaving the threat model.
 */
class ExternalModelAttackTest {
  private static final ImageDataset TEST = ToyData.halves(64, 5);

  /** drelu's Dense network with a plain-ReLU head: flatten, 16, relu, 16, relu, dropout, 8, relu, 2. */
  private static final ModelSpec DENSE_RELU =
      new ModelSpec(Architecture.DENSE, List.of(16, 16), 8, 0.3, ActivationKind.RELU, Placement.HEAD, 100, 1.0, 4);

  /** The native network with the MLP's weights, layer by layer (both store a weight as out x in). */
  private static Classifier nativeTwin(ScriptedNets.Mlp mlp) {
    Classifier c = Classifier.create(DENSE_RELU, ToyData.SHAPE, 1, Device.cpu());
    List<Parameter> params = c.parameters();
    assertEquals(2 * mlp.layers().size(), params.size(), "weight and bias of each dense layer");
    try (Autograd off = Autograd.off()) {
      for (int l = 0; l < mlp.layers().size(); l++) {
        ScriptedNets.Dense d = mlp.layers().get(l);
        NDArray w = params.get(2 * l).getArray();
        NDArray b = params.get(2 * l + 1).getArray();
        assertEquals(d.out() * (long) d.in(), w.size(), "layer " + l);
        w.set(FloatBuffer.wrap(d.weight()));
        b.set(FloatBuffer.wrap(d.bias()));
      }
    }
    return c;
  }

  private static void assertSameOutcome(AttackOutcome expected, AttackOutcome got, String what) {
    assertArrayEquals(expected.cleanPrediction(), got.cleanPrediction(), what + ": clean predictions");
    assertArrayEquals(expected.adversarialPrediction(), got.adversarialPrediction(), what + ": adversarial predictions");
    assertArrayEquals(expected.zeroGradient(), got.zeroGradient(), what + ": zero input gradients");
    assertArrayEquals(expected.queries(), got.queries(), what + ": queries");
    assertArrayEquals(expected.linf(), got.linf(), 1e-6, what + ": Linf distances");
    assertArrayEquals(expected.l2(), got.l2(), 1e-5, what + ": L2 distances");
  }

  @Test
  void theSameWeightsGiveTheSameOutcomesAsDrelusOwnDenseNetwork(@TempDir Path dir) throws Exception {
    ScriptedNets.Mlp mlp = halvesDetector();
    Path file = dir.resolve("dense.pt");
    mlp.write(file);
    List<AttackParams> attacks = List.of(
        FgsmParams.of(0.15),
        PgdParams.builder().epsilon(0.15).steps(10).stepSize(0.04).seed(3).build(),
        ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.15).steps(20).seed(4).build(),
        SquareParams.builder().epsilon(0.15).queries(200).seed(5).build());
    try (Classifier external = TorchScriptClassifier.load(file, ToyData.SHAPE, Device.cpu());
        Classifier own = nativeTwin(mlp)) {
      boolean broke = false;
      for (AttackParams a : attacks) {
        AttackOutcome mine = RobustEvaluator.run(own, TEST, a, 32, n -> { });
        AttackOutcome theirs = RobustEvaluator.run(external, TEST, a, 32, n -> { });
        assertSameOutcome(mine, theirs, a.name());
        broke |= !Arrays.equals(theirs.cleanPrediction(), theirs.adversarialPrediction());
      }
      assertTrue(broke, "the attacks changed some predictions, so agreeing on them means something");
      // no caps: the straight-through attack is the plain one, as for drelu's plain-ReLU models
      PgdParams pgd = (PgdParams) attacks.get(1);
      assertSameOutcome(RobustEvaluator.run(external, TEST, pgd, 32, n -> { }),
          RobustEvaluator.run(external, TEST, pgd.withStraightThrough(true), 32, n -> { }),
          "straight-through");
    }
  }

  /**
   * The toy task solved in drelu's Dense layout (64, 16, 16, 8, 2), with a little noise on every
   * weight: the first layer averages the top or the bottom half, the next two pass that on, and
   * class 0 wins when the top is brighter by more than 0.3. Clean accuracy is 100%; an Linf step of
   * 0.15 breaks class 0 (its margin is about 0.5) but not class 1.
   */
  private static ScriptedNets.Mlp halvesDetector() {
    java.util.Random r = new java.util.Random(21);
    float[] w1 = new float[16 * 64];
    for (int unit = 0; unit < 16; unit++) {
      for (int p = 0; p < 64; p++) {
        w1[unit * 64 + p] = ((p < 32) == (unit < 8) ? 1f / 32 : 0f) + noise(r);
      }
    }
    float[] w2 = new float[16 * 16];
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 16; j++) {
        w2[i * 16 + j] = (i == j ? 1f : 0f) + noise(r);
      }
    }
    float[] w3 = new float[8 * 16];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 16; j++) {
        w3[i * 16 + j] = ((j < 8) == (i < 4) ? 1f / 8 : 0f) + noise(r);
      }
    }
    float[] w4 = new float[2 * 8];
    for (int j = 0; j < 8; j++) {
      w4[j] = j < 4 ? 5f / 4 : -5f / 4; // class 0: 5 x (top - bottom - 0.3)
      w4[8 + j] = -w4[j];
    }
    return new ScriptedNets.Mlp(List.of(new ScriptedNets.Dense(64, 16, w1, new float[16]),
        new ScriptedNets.Dense(16, 16, w2, new float[16]), new ScriptedNets.Dense(16, 8, w3, new float[8]),
        new ScriptedNets.Dense(8, 2, w4, new float[] {-1.5f, 1.5f})));
  }

  private static float noise(java.util.Random r) {
    return (float) ((r.nextDouble() * 2 - 1) * 0.002);
  }

  @Test
  void pgdAtALargeBoundBreaksEveryExampleInsideTheBallAndTheUnitBox(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("halves.pt");
    halvesDetector().write(file);
    double eps = 0.5;
    AttackParams pgd = PgdParams.builder().epsilon(eps).steps(20).stepSize(0.1).seed(7).build();
    try (Classifier model = TorchScriptClassifier.load(file, ToyData.SHAPE, Device.cpu())) {
      AttackOutcome o = RobustEvaluator.run(model, TEST, pgd, 32, n -> { });
      assertEquals(1.0, o.summary().cleanAccuracy(), "the detector solves the toy task");
      assertEquals(0.0, o.summary().robustAccuracy(), "PGD at eps 0.5 breaks every example");
      assertEquals(0.0, o.summary().zeroGradientFraction(), "every input has a gradient");
      assertTrue(o.summary().maxLinf() <= eps + 1e-6, "max Linf " + o.summary().maxLinf());
      int[] rows = Batches.allRows(TEST.size());
      try (NDManager m = model.manager().newSubManager()) {
        NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
        NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
        float[] clean = x.toFloatArray();
        float[] adv = pgd.newAttack().perturb(model, x, y, TEST.indices()).adversarial().toFloatArray();
        for (int i = 0; i < adv.length; i++) {
          assertTrue(adv[i] >= 0f && adv[i] <= 1f, "pixel " + i + " = " + adv[i]);
          assertTrue(Math.abs(adv[i] - clean[i]) <= eps + 1e-6, "pixel " + i + " moved " + Math.abs(adv[i] - clean[i]));
        }
        assertTrue(Arrays.stream(o.linf()).allMatch(d -> d > 0), "every example was perturbed");
      }
    }
  }
}
