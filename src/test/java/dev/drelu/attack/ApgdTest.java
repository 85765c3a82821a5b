package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.Losses;
import dev.drelu.testing.Slow;
import dev.drelu.testing.ToyData;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * APGD-CE, APGD-DLR and APGD-T (Croce &amp; Hein 2020) tested by what they must achieve, on a
 * naturally trained model of a 4-class toy task (DLR needs at least 3 logits, targeted DLR 4).
 */
@Slow
class ApgdTest {
  private static final InputShape SHAPE = new InputShape(1, 8, 8, 4);
  private static final ImageDataset TEST = quadrants(80, 5, true);
  private static final AttackMethod[] ALL = {AttackMethod.APGD_CE, AttackMethod.APGD_DLR, AttackMethod.APGD_T};
  private static Classifier trained;

  @BeforeAll
  static void train() throws Exception {
    trained = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), SHAPE, 3, Device.cpu());
    Path dir = Files.createTempDirectory("apgd-test");
    new Trainer(new TrainingParams(8, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(trained, quadrants(320, 1, false), quadrants(64, 2, false), dir, TrainingListener.NONE);
  }

  /**
   * 1 x 8 x 8 images whose bright 4 x 4 quadrant is the class (0 top-left, 1 top-right, 2
   * bottom-left, 3 bottom-right), plus uniform noise; optionally an all-black and an all-white
   * image at the end so clipping to [0, 1] is exercised.
   */
  static ImageDataset quadrants(int n, long seed, boolean extremes) {
    int total = n + (extremes ? 2 : 0);
    Random r = new Random(seed);
    float[] pixels = new float[total * 64];
    int[] labels = new int[total];
    int[] index = new int[total];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 4;
      index[i] = i;
      for (int p = 0; p < 64; p++) {
        int quadrant = (p / 8 >= 4 ? 2 : 0) + (p % 8 >= 4 ? 1 : 0);
        float base = quadrant == labels[i] ? 0.6f : 0.1f;
        pixels[i * 64 + p] = Math.min(1f, base + 0.3f * r.nextFloat());
      }
    }
    if (extremes) {
      Arrays.fill(pixels, (n + 1) * 64, (n + 2) * 64, 1f);
      index[n] = 1000;
      index[n + 1] = 1001;
      labels[n + 1] = 3;
    }
    return new ImageDataset(pixels, labels, index, 1, 8, 8, 4);
  }

  private static ApgdParams.Builder apgd(AttackMethod method, Norm norm, double eps, int steps) {
    return ApgdParams.builder(method).norm(norm).epsilon(eps).steps(steps).seed(17);
  }

  private static AttackOutcome run(AttackParams p, int batchSize) {
    return RobustEvaluator.run(trained, TEST, p, batchSize, n -> { });
  }

  @Test
  void outputsStayInTheLinfAndL2BallsAndTheUnitInterval() {
    int[] rows = Batches.allRows(TEST.size());
    for (AttackMethod method : ALL) {
      for (Norm norm : Norm.values()) {
        double eps = norm == Norm.LINF ? 0.1 : 0.6;
        ApgdParams p = apgd(method, norm, eps, 10).build();
        try (NDManager m = trained.manager().newSubManager()) {
          NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
          NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
          float[] clean = x.toFloatArray();
          float[] adv = p.newAttack().perturb(trained, x, y, TEST.indices()).adversarial().toFloatArray();
          double[] sq = new double[TEST.size()];
          for (int i = 0; i < adv.length; i++) {
            String where = method.key() + "/" + norm.key() + " pixel " + i;
            assertTrue(adv[i] >= 0f && adv[i] <= 1f, where + " = " + adv[i]);
            double d = adv[i] - clean[i];
            if (norm == Norm.LINF) {
              assertTrue(Math.abs(d) <= eps + 1e-6, where + " moved " + d);
            }
            sq[i / 64] += d * d;
          }
          if (norm == Norm.L2) {
            for (int e = 0; e < sq.length; e++) {
              assertTrue(Math.sqrt(sq[e]) <= eps + 1e-5, method.key() + " example " + e + " moved " + Math.sqrt(sq[e]));
            }
          }
        }
        AttackOutcome o = run(p, 32);
        assertTrue(o.summary().robustAccuracy() < o.summary().cleanAccuracy(), method.key() + "/" + norm.key() + " does something");
      }
    }
  }

  @Test
  void eachDrivesAccuracyToZeroAtALargeBound() {
    assertTrue(run(apgd(AttackMethod.APGD_CE, Norm.LINF, 0.0, 1).build(), 32).summary().cleanAccuracy() > 0.9,
        "the toy model must be accurate for this test to mean anything");
    for (AttackMethod method : ALL) {
      assertEquals(0.0, run(apgd(method, Norm.LINF, 1.0, 20).build(), 32).summary().robustAccuracy(),
          method.key() + " at Linf 1");
      assertEquals(0.0, run(apgd(method, Norm.L2, 8.0, 20).build(), 32).summary().robustAccuracy(),
          method.key() + " at L2 8 (the diameter of [0,1]^64)");
    }
  }

  @Test
  void apgdCeIsNeverWeakerThanPgdAtEqualBudget() {
    boolean somewhereBelowClean = false;
    for (double eps : new double[] {0.05, 0.1, 0.15, 0.2, 0.3}) {
      AttackSummary pgd = run(PgdParams.of(eps, 10), 32).summary();
      AttackSummary apgd = run(apgd(AttackMethod.APGD_CE, Norm.LINF, eps, 10).build(), 32).summary();
      assertTrue(apgd.robustAccuracy() <= pgd.robustAccuracy(),
          "eps " + eps + ": apgd-ce " + apgd.robustAccuracy() + " > pgd " + pgd.robustAccuracy());
      somewhereBelowClean |= pgd.robustAccuracy() < pgd.cleanAccuracy() && pgd.robustAccuracy() > 0;
    }
    assertTrue(somewhereBelowClean, "some eps must leave PGD between 0 and clean accuracy, or the comparison is vacuous");
  }

  @Test
  void dlrEqualsItsHandComputedValueAndIgnoresShiftAndScale() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = m.create(new float[] {1, 4, 2, 3, 5, 1, 0, 2}, new Shape(2, 4));
      NDArray y = m.create(new long[] {1, 2});
      // label on top: -(4 - 3) / (4 - 2); label below: -(0 - 5) / (5 - 1)
      assertArrayEquals(new float[] {-0.5f, 1.25f}, Losses.dlr(z, y).toFloatArray(), 1e-6f);
      // targets 3 and 0: -(4 - 3) / (4 - (2 + 1) / 2); -(0 - 5) / (5 - (1 + 0) / 2)
      NDArray t = m.create(new long[] {3, 0});
      assertArrayEquals(new float[] {-0.4f, 5f / 4.5f}, Losses.targetedDlr(z, y, t).toFloatArray(), 1e-6f);

      Random r = new Random(9);
      float[] raw = new float[6 * 5];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = (float) r.nextGaussian() * 3;
      }
      NDArray logits = m.create(raw, new Shape(6, 5));
      NDArray labels = m.create(new long[] {0, 1, 2, 3, 4, 0});
      NDArray targets = m.create(new long[] {1, 2, 3, 4, 0, 4});
      float[] base = Losses.dlr(logits, labels).toFloatArray();
      float[] baseT = Losses.targetedDlr(logits, labels, targets).toFloatArray();
      for (float[] ab : new float[][] {{1f, 7.5f}, {3.7f, -11f}, {0.02f, 0.3f}}) {
        NDArray moved = logits.mul(ab[0]).add(ab[1]);
        assertArrayEquals(base, Losses.dlr(moved, labels).toFloatArray(), 2e-5f, "dlr after " + Arrays.toString(ab));
        assertArrayEquals(baseT, Losses.targetedDlr(moved, labels, targets).toFloatArray(), 2e-5f,
            "targeted dlr after " + Arrays.toString(ab));
      }
    }
  }

  @Test
  void dlrGradientFlowsThroughTheSortedLogits() {
    // if the sort cut the graph, only z_y would get a gradient; compare with finite differences
    float[] raw = {1f, 4f, 2f, 3.5f, 0.5f};
    try (NDManager m = NDManager.newBaseManager(); Autograd on = Autograd.record()) {
      NDArray y = m.create(new long[] {1});
      NDArray z = m.create(raw, new Shape(1, 5));
      z.setRequiresGradient(true);
      NDArray loss = Losses.dlr(z, y).sum();
      on.backward(loss);
      float[] grad = z.getGradient().toFloatArray();
      double h = 1e-3;
      for (int k = 0; k < raw.length; k++) {
        double up = dlrByHand(raw, 1, k, h);
        double down = dlrByHand(raw, 1, k, -h);
        assertEquals((up - down) / (2 * h), grad[k], 1e-3, "d dlr / d z_" + k);
      }
    }
  }

  private static double dlrByHand(float[] z, int y, int k, double h) {
    double[] v = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      v[i] = z[i] + (i == k ? h : 0);
    }
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double bestOther = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v.length; i++) {
      bestOther = i == y ? bestOther : Math.max(bestOther, v[i]);
    }
    return -(v[y] - bestOther) / (sorted[v.length - 1] - sorted[v.length - 3] + 1e-12);
  }

  @Test
  void checkpointsFor100IterationsAreTheReferenceOnes() {
    assertEquals(List.of(22, 41, 57, 70, 80, 87, 93, 99), Apgd.checkpoints(100));
    assertEquals(List.of(1), Apgd.checkpoints(1));
    List<Integer> thousand = Apgd.checkpoints(1000);
    assertEquals(List.of(220, 410, 570, 700, 800, 870, 930, 990), thousand);
  }

  @Test
  void theStepIsHalvedExactlyWhenTheReferenceWouldHalveIt() {
    // 100 steps, first checkpoint after 22 (window 22, rho 0.75: halve at <= 16.5 increases),
    // second after 41 (window 19: halve at <= 14.25)
    int steps = 100;
    float[][] history = new float[steps][3];
    for (int i = 0; i < 22; i++) {
      history[i][0] = 1 + i;            // rises every step: keep
      history[i][1] = 5;                // flat: only "step 0 > 0" counts (the reference's zero row): halve
      history[i][2] = i % 4 == 3 ? 0.5f : 1 + i; // rises 17 of 22 times (step 0 counted against 0): keep
    }
    float[] best = {22, 5, 22};
    float[] bestAtLastCheck = {-1, -1, -1}; // the start point's losses
    boolean[] reduced = {true, true, true};
    assertArrayEquals(new boolean[] {false, true, false},
        Apgd.halveAtCheckpoint(history, 21, 22, 0.75, best, bestAtLastCheck, reduced));
    assertArrayEquals(new boolean[] {false, true, false}, reduced);
    assertArrayEquals(best, bestAtLastCheck);
    for (int i = 22; i < 41; i++) {
      history[i][0] = 100 + i;          // still rising: keep
      history[i][1] = 5;                // flat, but halved last time and 0 increases: halve (rule 1)
      history[i][2] = i - 22;           // rises 18 of 19 times yet stays below its best 22, and the
                                        // step was not halved last time: halve (rule 2)
    }
    float[] best2 = {140, 5, 22};
    assertArrayEquals(new boolean[] {false, true, true},
        Apgd.halveAtCheckpoint(history, 40, 19, 0.75, best2, bestAtLastCheck, reduced));

    // third checkpoint (after 57, window 16): exactly 12 = 0.75 * 16 increases halves (the reference's <=)
    float[][] boundary = new float[steps][1];
    for (int i = 41; i <= 52; i++) {
      boundary[i][0] = i - 40;
    }
    assertArrayEquals(new boolean[] {true},
        Apgd.halveAtCheckpoint(boundary, 56, 16, 0.75, new float[] {12}, new float[] {0}, new boolean[] {true}));
  }

  @Test
  void apgdTFoolsTowardsItsTargets() {
    // Success is untargeted, as in the reference: any misclassified iterate counts (even the random
    // start, or a point where a third class overtook both), and the last such iterate is returned.
    // So not every fooled example need land on a target, but nearly all must.
    int[] rows = Batches.allRows(TEST.size());
    for (int targets : new int[] {1, 2}) {
      ApgdParams p = apgd(AttackMethod.APGD_T, Norm.LINF, 0.12, 20).targets(targets).build();
      try (NDManager m = trained.manager().newSubManager()) {
        NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
        NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
        long[] ranking;
        int[] cleanPred;
        int[] advPred;
        NDArray adv = p.newAttack().perturb(trained, x, y, TEST.indices()).adversarial();
        try (Autograd off = Autograd.off()) {
          NDArray clean = trained.forward(x, false);
          ranking = clean.argSort(1, false).toLongArray();
          cleanPred = clean.argMax(1).toType(DataType.INT32, false).toIntArray();
          advPred = trained.forward(adv, false).argMax(1).toType(DataType.INT32, false).toIntArray();
        }
        int fooled = 0;
        int onTarget = 0;
        for (int i = 0; i < TEST.size(); i++) {
          if (cleanPred[i] != TEST.labels()[i] || advPred[i] == TEST.labels()[i]) {
            continue;
          }
          fooled++;
          for (int rank = 1; rank <= targets; rank++) {
            // rank 0 is the label itself (the example was classified correctly)
            onTarget += ranking[i * 4 + rank] == advPred[i] ? 1 : 0;
          }
        }
        assertTrue(fooled >= 10 && fooled < TEST.size() - 5, "targets=" + targets + " fooled " + fooled
            + " examples; the bound must leave some robust for the check to mean anything");
        assertTrue(onTarget >= 0.9 * fooled, "targets=" + targets + ": only " + onTarget + " of " + fooled
            + " fooled examples went to one of the top " + targets + " wrong classes");
      }
    }
  }

  @Test
  void apgdTReachesExactlyTheClassItTargets() {
    // Linear model on the quadrants: z_k = w_k * (sum of quadrant k) + b_k. At x = 0.5 everywhere
    // the logits are 10, 9.5, 9.3, 9.25, so the ranking is 0 (the label), 1, 2, 3. Within Linf 0.05
    // (16 pixels a quadrant) class 1 (w = 0.1) cannot overtake class 0 (w = 0.1): the gap 0.5 closes
    // by at most 0.16; classes 2 and 3 (w = 1) can (gaps 0.7 and 0.75 close by up to 0.88). A random
    // start moves a quadrant's sum by ~0.1, far too little to fool. So targets=1 (class 1) must fail,
    // and targets=2 must succeed on class 2 exactly, in the second run.
    float[] w = {0.1f, 0.1f, 1f, 1f};
    float[] b = {9.2f, 8.7f, 1.3f, 1.25f};
    float[] weights = new float[4 * 64];
    for (int k = 0; k < 4; k++) {
      for (int p = 0; p < 64; p++) {
        int quadrant = (p / 8 >= 4 ? 2 : 0) + (p % 8 >= 4 ? 1 : 0);
        weights[k * 64 + p] = quadrant == k ? w[k] : 0f;
      }
    }
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(4).build());
    int n = 6;
    int steps = 20;
    try (Classifier linear = Classifier.fromBlock(block, SHAPE, Device.cpu());
        NDManager m = linear.manager().newSubManager()) {
      for (Pair<String, Parameter> p : block.getParameters()) {
        p.getValue().getArray().set(FloatBuffer.wrap(p.getValue().getType() == Parameter.Type.WEIGHT ? weights : b));
      }
      NDArray x = m.ones(new Shape(n, 1, 8, 8)).mul(0.5f);
      NDArray y = m.zeros(new Shape(n), DataType.INT64);
      int[] indices = {3, 14, 15, 92, 65, 35};
      for (int targets = 1; targets <= 3; targets++) {
        ApgdParams p = apgd(AttackMethod.APGD_T, Norm.LINF, 0.05, steps).targets(targets).build();
        Attack.Result r = p.newAttack().perturb(linear, x, y, indices);
        int[] pred;
        try (Autograd off = Autograd.off()) {
          pred = linear.forward(r.adversarial(), false).argMax(1).toType(DataType.INT32, false).toIntArray();
        }
        int[] expectedPred = new int[n];
        Arrays.fill(expectedPred, targets == 1 ? 0 : 2);
        int[] expectedQueries = new int[n];
        Arrays.fill(expectedQueries, (targets == 1 ? 1 : 2) * (steps + 1));
        assertArrayEquals(expectedPred, pred, "targets=" + targets);
        assertArrayEquals(expectedQueries, r.queries(), "targets=" + targets + ": runs made until fooled");
      }
    }
  }

  @Test
  void sameSeedSameBytesAndBatchingDoesNotMatter() {
    for (AttackMethod method : ALL) {
      ApgdParams p = apgd(method, method == AttackMethod.APGD_DLR ? Norm.L2 : Norm.LINF,
          method == AttackMethod.APGD_DLR ? 0.8 : 0.12, 15).restarts(2).build();
      AttackOutcome big = run(p, 64);
      AttackOutcome small = run(p, 7);
      AttackOutcome again = run(p, 64);
      assertArrayEquals(big.adversarialPrediction(), small.adversarialPrediction(), method.key());
      assertArrayEquals(big.queries(), small.queries(), method.key());
      assertArrayEquals(big.linf(), small.linf(), 1e-6, method.key());
      assertArrayEquals(big.l2(), small.l2(), 1e-5, method.key());
      assertArrayEquals(big.l2(), again.l2(), 0.0, method.key());
      assertArrayEquals(big.adversarialPrediction(), again.adversarialPrediction(), method.key());
    }
    ApgdParams a = apgd(AttackMethod.APGD_CE, Norm.LINF, 0.12, 15).build();
    assertTrue(!Arrays.equals(run(a, 64).l2(), run(apgd(AttackMethod.APGD_CE, Norm.LINF, 0.12, 15).seed(18).build(), 64).l2()),
        "another seed gives another random start");
  }

  @Test
  void queriesAreGradientEvaluationsOfTheRunsActuallyMade() {
    int steps = 6;
    int perRun = steps + 1; // the start point's gradient, then one per step
    ApgdParams once = apgd(AttackMethod.APGD_CE, Norm.LINF, 0.1, steps).build();
    AttackOutcome one = run(once, 32);
    AttackOutcome three = run(apgd(AttackMethod.APGD_CE, Norm.LINF, 0.1, steps).restarts(3).build(), 32);
    AttackOutcome targeted = run(apgd(AttackMethod.APGD_T, Norm.LINF, 0.1, steps).targets(9).build(), 32);
    for (int i = 0; i < one.size(); i++) {
      boolean cleanWrong = one.cleanPrediction()[i] != one.label()[i];
      if (cleanWrong) {
        assertEquals(0, three.queries()[i], "an example misclassified clean is not attacked");
        assertEquals(0, targeted.queries()[i]);
        continue;
      }
      if (one.adversarialPrediction()[i] != one.label()[i]) {
        assertEquals(perRun, three.queries()[i], "fooled by the first run: no restart");
        assertEquals(one.adversarialPrediction()[i], three.adversarialPrediction()[i]);
      }
      if (three.adversarialPrediction()[i] == three.label()[i]) {
        assertEquals(3 * perRun, three.queries()[i], "robust: all three runs");
      }
      assertEquals(0, three.queries()[i] % perRun);
      if (targeted.adversarialPrediction()[i] == targeted.label()[i]) {
        // 9 targets asked for, only K - 1 = 3 wrong classes exist
        assertEquals(3 * perRun, targeted.queries()[i], "robust to apgd-t: one run per wrong class");
      }
    }
  }

  @Test
  void straightThroughReachesEveryGradient() {
    // caps of 1e-4: the input gradient is exactly zero almost everywhere, so plain APGD never moves
    // from its random start, whatever the number of steps; straight-through (BPDA) gradients do move it
    int[] rows = Batches.allRows(TEST.size());
    try (Classifier capped = Classifier.create(ToyData.dense(ActivationKind.DRELU, 1e-4), SHAPE, 3, Device.cpu());
        NDManager m = capped.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y;
      try (Autograd off = Autograd.off()) {
        y = capped.forward(x, false).argMax(1); // its own predictions, so every example is attacked
      }
      ApgdParams.Builder b = apgd(AttackMethod.APGD_CE, Norm.LINF, 0.1, 1);
      float[] oneStep = b.build().newAttack().perturb(capped, x, y, TEST.indices()).adversarial().toFloatArray();
      float[] plain = b.steps(8).build().newAttack().perturb(capped, x, y, TEST.indices()).adversarial().toFloatArray();
      float[] bpda = b.steps(8).straightThrough(true).build().newAttack().perturb(capped, x, y, TEST.indices())
          .adversarial().toFloatArray();
      int stuck = 0;
      int moved = 0;
      for (int e = 0; e < TEST.size(); e++) {
        boolean same = true;
        boolean differs = false;
        for (int k = e * 64; k < (e + 1) * 64; k++) {
          same &= plain[k] == oneStep[k];
          differs |= Math.abs(bpda[k] - plain[k]) > 1e-4;
        }
        stuck += same ? 1 : 0;
        moved += differs ? 1 : 0;
      }
      assertTrue(stuck > 0.9 * TEST.size(), "plain APGD stayed at its start for only " + stuck + " examples");
      assertTrue(moved > 0.9 * TEST.size(), "straight-through APGD moved only " + moved + " examples");
    }
  }

  @Test
  void zeroEpsilonChangesNothing() {
    for (AttackMethod method : ALL) {
      AttackOutcome o = run(apgd(method, Norm.LINF, 0.0, 5).build(), 32);
      assertEquals(0.0, o.summary().maxLinf(), method.key());
      assertArrayEquals(o.cleanPrediction(), o.adversarialPrediction(), method.key());
    }
  }

  @Test
  void aLongRunDoesNotPileUpTensors() {
    int[] rows = Batches.allRows(TEST.size());
    int[] live = new int[2];
    int modelArrays = trained.manager().getManagedArrays().size();
    int k = 0;
    for (int steps : new int[] {5, 40}) {
      ApgdParams p = apgd(AttackMethod.APGD_T, Norm.L2, 0.5, steps).restarts(2).build();
      try (NDManager m = trained.manager().newSubManager()) {
        NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
        NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
        p.newAttack().perturb(trained, x, y, TEST.indices());
        live[k++] = m.getManagedArrays().size();
      }
    }
    assertEquals(live[0], live[1], "arrays left on the batch's manager after 5 vs 40 steps");
    assertTrue(live[0] <= 5, "x, y and the output, give or take; left: " + live[0]);
    assertEquals(modelArrays, trained.manager().getManagedArrays().size(), "nothing attached to the model's manager");
  }

  @Test
  void lossesTheModelCannotHaveAreRefusedClearly() {
    InputShape three = new InputShape(1, 8, 8, 3);
    InputShape two = new InputShape(1, 8, 8, 2);
    try (Classifier c3 = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), three, 1, Device.cpu());
        Classifier c2 = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), two, 1, Device.cpu());
        NDManager m = c3.manager().newSubManager()) {
      NDArray x = m.ones(new Shape(2, 1, 8, 8)).mul(0.5f);
      NDArray y = m.create(new long[] {0, 1});
      IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
          () -> apgd(AttackMethod.APGD_T, Norm.LINF, 0.1, 3).build().newAttack().perturb(c3, x, y, new int[] {0, 1}));
      assertTrue(t.getMessage().contains("apgd-t") && t.getMessage().contains("at least 4 classes")
          && t.getMessage().contains("has: 3"), t.getMessage());
      IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
          () -> apgd(AttackMethod.APGD_DLR, Norm.LINF, 0.1, 3).build().newAttack().perturb(c2, x, y, new int[] {0, 1}));
      assertTrue(d.getMessage().contains("apgd-dlr") && d.getMessage().contains("at least 3 classes"), d.getMessage());
      // cross-entropy works with any number of classes
      apgd(AttackMethod.APGD_CE, Norm.LINF, 0.1, 3).build().newAttack().perturb(c2, x, y, new int[] {0, 1});
    }
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> apgd(AttackMethod.APGD_T, Norm.LINF, 0.1, 3).targets(0).build().newAttack());
    assertTrue(none.getMessage().contains("targets"), none.getMessage());
  }
}
