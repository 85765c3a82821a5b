package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.testing.Slow;
import dev.drelu.testing.ToyData;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Square Attack tested by what a score-based black-box attack must achieve and how it counts. */
@Slow
class SquareTest {
  private static final ImageDataset TEST = ToyData.halves(96, 5);
  private static Classifier trained;

  /** A naturally trained model on the toy task (the same recipe as AttackTest). */
  @BeforeAll
  static void train() throws Exception {
    trained = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
    Path dir = Files.createTempDirectory("square-test");
    new Trainer(new TrainingParams(6, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(trained, ToyData.halves(256, 1), ToyData.halves(64, 2), dir, TrainingListener.NONE);
  }

  @AfterAll
  static void close() {
    trained.close();
  }

  private static SquareParams square(Norm norm, double eps, int queries, long seed) {
    return SquareParams.builder().norm(norm).epsilon(eps).queries(queries).seed(seed).build();
  }

  @Test
  void linfStaysInTheBallAndTheUnitIntervalAndLowersAccuracy() {
    // the toy task needs about 0.25 (PGD); Square with the reference's windows needs a bit more
    AttackParams p = square(Norm.LINF, 0.35, 2000, 1);
    AttackOutcome o = RobustEvaluator.run(trained, TEST, p, 32, n -> { });
    assertTrue(o.summary().maxLinf() <= 0.35 + 1e-6, "max linf " + o.summary().maxLinf());
    assertTrue(o.summary().cleanAccuracy() > 0.9, "clean " + o.summary().cleanAccuracy());
    assertTrue(o.summary().robustAccuracy() < o.summary().cleanAccuracy() - 0.2,
        "Square Linf: clean " + o.summary().cleanAccuracy() + ", robust " + o.summary().robustAccuracy());
    assertInUnitInterval(p);
  }

  @Test
  void l2StaysInTheBallAndTheUnitIntervalAndLowersAccuracy() {
    AttackParams p = square(Norm.L2, 3.0, 2000, 1);
    AttackOutcome o = RobustEvaluator.run(trained, TEST, p, 32, n -> { });
    for (int i = 0; i < o.size(); i++) {
      assertTrue(o.l2()[i] <= 3.0 + 1e-5, "example " + i + " moved " + o.l2()[i] + " in L2");
    }
    assertTrue(o.summary().robustAccuracy() < o.summary().cleanAccuracy() - 0.2,
        "Square L2: clean " + o.summary().cleanAccuracy() + ", robust " + o.summary().robustAccuracy());
    assertInUnitInterval(p);
  }

  private static void assertInUnitInterval(AttackParams p) {
    int[] rows = Batches.allRows(TEST.size());
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      float[] adv = p.newAttack().perturb(trained, x, y, TEST.indices()).adversarial().toFloatArray();
      for (int i = 0; i < adv.length; i++) {
        assertTrue(adv[i] >= 0f && adv[i] <= 1f, "pixel " + i + " = " + adv[i]);
      }
    }
  }

  @Test
  void neverExceedsTheBudgetAndStopsAtTheQueryThatFools() {
    int budget = 300;
    List<float[]> calls = new ArrayList<>();
    int[] rows = Batches.allRows(TEST.size());
    try (Classifier recorded = Classifier.fromBlock(new Recording(trained, calls), ToyData.SHAPE, Device.cpu());
        NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      long[] labels = new long[TEST.size()];
      for (int i = 0; i < labels.length; i++) {
        // every 10th label is wrong: those examples are misclassified before any perturbation
        labels[i] = i % 10 == 0 ? 1 - TEST.label(i) : TEST.label(i);
      }
      NDArray y = m.create(labels);
      Attack.Result r = square(Norm.LINF, 0.35, budget, 4).newAttack().perturb(recorded, x, y, TEST.indices());
      int[] q = r.queries();
      float[] clean = x.toFloatArray();
      float[] adv = r.adversarial().toFloatArray();
      boolean[] wrongAfter = Restarts.misclassified(trained, r.adversarial(), y);
      boolean[] wrongBefore = Restarts.misclassified(trained, x, y);
      int fooledEarly = 0;
      for (int i = 0; i < q.length; i++) {
        assertTrue(q[i] >= 1 && q[i] <= budget, "example " + i + " spent " + q[i]);
        if (wrongBefore[i]) {
          assertEquals(1, q[i], "an example misclassified from the start costs the clean evaluation only");
          assertArrayEquals(Arrays.copyOfRange(clean, i * 64, i * 64 + 64), Arrays.copyOfRange(adv, i * 64, i * 64 + 64));
        } else if (q[i] < budget) {
          assertTrue(wrongAfter[i], "example " + i + " stopped after " + q[i] + " queries without being fooled");
          // its q-th query (forward pass q - 1, counting from 0) is the point returned
          assertTrue(containsRow(calls.get(q[i] - 1), adv, i * 64), "example " + i + " fooled at query " + q[i]);
          fooledEarly++;
        } else {
          assertEquals(budget, q[i]);
        }
      }
      assertTrue(fooledEarly > 10, "examples fooled before the budget ran out: " + fooledEarly);
      assertTrue(calls.size() <= budget, "forward passes " + calls.size());
      // every row the model saw is one counted query: pass c held exactly the examples with more than c queries
      for (int c = 0; c < calls.size(); c++) {
        int expected = 0;
        for (int qi : q) {
          expected += qi > c ? 1 : 0;
        }
        assertEquals(expected, calls.get(c).length / 64, "rows in forward pass " + c);
      }
    }
  }

  private static boolean containsRow(float[] batch, float[] images, int at) {
    for (int r = 0; r < batch.length / 64; r++) {
      if (Arrays.equals(batch, r * 64, r * 64 + 64, images, at, at + 64)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aBudgetOfOneOnlyChecksTheCleanInput() {
    AttackOutcome o = RobustEvaluator.run(trained, TEST, square(Norm.LINF, 0.3, 1, 0), 32, n -> { });
    assertArrayEquals(o.cleanPrediction(), o.adversarialPrediction());
    assertEquals(0.0, o.summary().maxLinf());
    assertEquals(1, o.summary().maxQueries());
  }

  @Test
  void sameSeedSameBytesAndBatchingDoesNotMatter() {
    AttackParams p = square(Norm.LINF, 0.3, 500, 9);
    AttackOutcome big = RobustEvaluator.run(trained, TEST, p, 64, n -> { });
    AttackOutcome small = RobustEvaluator.run(trained, TEST, p, 7, n -> { });
    AttackOutcome again = RobustEvaluator.run(trained, TEST, p, 64, n -> { });
    AttackOutcome other = RobustEvaluator.run(trained, TEST, square(Norm.LINF, 0.3, 500, 10), 64, n -> { });
    assertArrayEquals(big.adversarialPrediction(), small.adversarialPrediction());
    assertArrayEquals(big.queries(), small.queries());
    assertArrayEquals(big.linf(), small.linf(), 0.0);
    assertArrayEquals(big.l2(), small.l2(), 0.0);
    assertArrayEquals(big.l2(), again.l2(), 0.0);
    assertArrayEquals(big.queries(), again.queries());
    assertFalse(Arrays.equals(big.queries(), other.queries()), "another seed searches differently");
    AttackParams l2 = square(Norm.L2, 3.0, 300, 9);
    AttackOutcome l2Big = RobustEvaluator.run(trained, TEST, l2, 64, n -> { });
    AttackOutcome l2Small = RobustEvaluator.run(trained, TEST, l2, 7, n -> { });
    assertArrayEquals(l2Big.queries(), l2Small.queries());
    assertArrayEquals(l2Big.l2(), l2Small.l2(), 0.0);
  }

  @Test
  void zeroEpsilonChangesNothing() {
    for (Norm norm : Norm.values()) {
      AttackOutcome o = RobustEvaluator.run(trained, TEST, square(norm, 0, 50, 0), 32, n -> { });
      assertArrayEquals(o.cleanPrediction(), o.adversarialPrediction());
      assertEquals(0.0, o.summary().maxLinf());
    }
  }

  @Test
  void findsWhatGradientAttacksCannotSeeOnACappedHead() {
    // caps of 1e-4 (as in AttackTest): almost every input gradient is exactly zero, so FGSM and
    // PGD cannot move, but the forward pass still changes when a head unit crosses zero
    try (Classifier capped = Classifier.create(ToyData.dense(ActivationKind.DRELU, 1e-4), ToyData.SHAPE, 3, Device.cpu())) {
      AttackOutcome pgd = RobustEvaluator.run(capped, TEST,
          PgdParams.builder().epsilon(0.3).steps(10).randomStart(false).build(), 32, n -> { });
      AttackOutcome sq = RobustEvaluator.run(capped, TEST, square(Norm.LINF, 0.3, 1000, 2), 32, n -> { });
      int pgdFlips = 0;
      int squareFlips = 0;
      for (int i = 0; i < sq.size(); i++) {
        if (pgd.zeroGradient()[i] == 1 && pgd.cleanPrediction()[i] == pgd.label()[i]) {
          pgdFlips += pgd.adversarialPrediction()[i] != pgd.label()[i] ? 1 : 0;
          squareFlips += sq.adversarialPrediction()[i] != sq.label()[i] ? 1 : 0;
        }
      }
      assertTrue(pgd.summary().zeroGradientFraction() > 0.9, "zero-gradient share " + pgd.summary().zeroGradientFraction());
      assertEquals(0, pgdFlips, "PGD cannot leave a zero gradient");
      assertTrue(squareFlips > 0, "Square fooled " + squareFlips + " zero-gradient examples; robust "
          + sq.summary().robustAccuracy() + " of clean " + sq.summary().cleanAccuracy());
      assertTrue(sq.summary().robustAccuracy() < sq.summary().cleanAccuracy());
    }
  }

  @Test
  void theReferenceNeverMovesTheLastColumnAfterItsInitialStripe() {
    int[] rows = Batches.allRows(TEST.size());
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      Attack.Result r = new Square(square(Norm.LINF, 0.3, 400, 5)).perturb(trained, x, y, TEST.indices());
      float[] clean = x.toFloatArray();
      float[] adv = r.adversarial().toFloatArray();
      int checked = 0;
      for (int e = 0; e < TEST.size(); e++) {
        if (r.queries()[e] < 3) {
          continue; // not attacked past the start
        }
        int up = 0;
        int down = 0;
        for (int row = 0; row < 8; row++) {
          int i = e * 64 + row * 8 + 7;
          up += adv[i] > clean[i] ? 1 : 0;
          down += adv[i] < clean[i] ? 1 : 0;
        }
        assertTrue(up == 0 || down == 0, "example " + e + ": the last column holds one initial sign");
        checked += up + down > 0 ? 1 : 0;
      }
      assertTrue(checked > 10, "examples whose last column moved: " + checked);
    }
    // the departure that lets windows reach the last row and column is then much stronger here
    SquareParams p = square(Norm.LINF, 0.3, 2000, 1);
    AttackSummary reference = RobustEvaluator.run(trained, TEST, p, 32, n -> { }).summary();
    SquareParams all = new SquareParams(p.name(), p.threatModel(), p.queries(), p.pInit(), true, p.seed());
    AttackOutcome full = runWith(new Square(all), p);
    assertTrue(full.summary().robustAccuracy() < reference.robustAccuracy() - 0.2,
        "all positions " + full.summary().robustAccuracy() + ", reference " + reference.robustAccuracy());
  }

  /** Runs an attack instance over TEST in one batch. */
  private static AttackOutcome runWith(Attack attack, AttackParams p) {
    int[] rows = Batches.allRows(TEST.size());
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
      Attack.Result r = attack.perturb(trained, x, y, TEST.indices());
      boolean[] wrong = Restarts.misclassified(trained, r.adversarial(), y);
      boolean[] wrongClean = Restarts.misclassified(trained, x, y);
      int n = TEST.size();
      int[] adv = new int[n];
      int[] clean = new int[n];
      for (int i = 0; i < n; i++) {
        adv[i] = wrong[i] ? 1 - TEST.label(i) : TEST.label(i); // two classes
        clean[i] = wrongClean[i] ? 1 - TEST.label(i) : TEST.label(i);
      }
      return new AttackOutcome(p.name(), TEST.indices(), TEST.labels(), clean, adv, new double[n], new double[n],
          new int[n], r.queries(), 0);
    }
  }

  @Test
  void leavesNoArraysBehindHoweverLongItRuns() {
    int[] rows = Batches.allRows(TEST.size());
    int[] live = new int[2];
    int[] budgets = {20, 200};
    for (int k = 0; k < 2; k++) {
      try (NDManager m = trained.manager().newSubManager()) {
        NDArray x = Batches.images(m, TEST, rows, 0, TEST.size());
        NDArray y = Batches.labels(m, TEST, rows, 0, TEST.size());
        square(Norm.L2, 0.5, budgets[k], 0).newAttack().perturb(trained, x, y, TEST.indices());
        live[k] = ((ai.djl.ndarray.BaseNDManager) trained.manager()).getManagedArrays().size();
      }
    }
    assertEquals(live[0], live[1], "live arrays after " + budgets[0] + " and " + budgets[1] + " queries");
  }

  /** Passes inputs to a model and records every batch it is asked to score. */
  private static final class Recording extends AbstractBlock {
    private final Classifier inner;
    private final List<float[]> calls;

    Recording(Classifier inner, List<float[]> calls) {
      this.inner = inner;
      this.calls = calls;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      calls.add(x.toFloatArray());
      return new NDList(inner.forward(x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), 2)};
    }
  }
}
