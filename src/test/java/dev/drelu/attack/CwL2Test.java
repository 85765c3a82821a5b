package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
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

/** Carlini-Wagner L2 tested by what a minimal-distance attack must achieve under drelu's threat-model contract. */
@Slow
class CwL2Test {
  private static final ImageDataset TEST = ToyData.halves(96, 5);
  /** Effectively unbounded on 8 x 8 images in [0, 1] (the largest possible L2 distance is 8). */
  private static final double UNBOUNDED = 8.0;
  private static Classifier trained;
  private static AttackOutcome unbounded;

  /** A naturally trained model on the toy task (the same recipe as AttackTest). */
  @BeforeAll
  static void train() throws Exception {
    trained = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
    Path dir = Files.createTempDirectory("cw-test");
    new Trainer(new TrainingParams(6, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(trained, ToyData.halves(256, 1), ToyData.halves(64, 2), dir, TrainingListener.NONE);
    unbounded = RobustEvaluator.run(trained, TEST, cw(UNBOUNDED).build(), 32, n -> { });
  }

  @AfterAll
  static void close() {
    trained.close();
  }

  /** Few steps with a larger rate and first c than the reference defaults, to keep the tests short. */
  private static CwL2Params.Builder cw(double eps) {
    return CwL2Params.builder().epsilon(eps).binarySearchSteps(6).steps(50).learningRate(0.05)
        .initialConst(0.1);
  }

  @Test
  void aLargeBoundReachesZeroAccuracyAndEverySuccessIsReal() {
    AttackSummary s = unbounded.summary();
    assertTrue(s.cleanAccuracy() > 0.9, "clean " + s.cleanAccuracy());
    assertEquals(0.0, s.robustAccuracy(), 0.02, "CW-L2 with an unbounded budget");
    for (int i = 0; i < unbounded.size(); i++) {
      assertEquals(6 * 50, unbounded.queries()[i], "one gradient evaluation per step and search step");
    }
  }

  @Test
  void returnsOnlySuccessesInsideTheBallElseTheCleanInput() {
    // a bound near the median minimal distance, so both branches of the contract occur
    double eps = median(unbounded.l2());
    AttackOutcome o = RobustEvaluator.run(trained, TEST, cw(eps).build(), 32, n -> { });
    int fooled = 0;
    int kept = 0;
    for (int i = 0; i < o.size(); i++) {
      boolean wrong = o.adversarialPrediction()[i] != o.label()[i];
      if (o.l2()[i] > 0) {
        assertTrue(wrong, "example " + i + " was moved but is not misclassified");
        assertTrue(o.l2()[i] <= eps + 1e-5, "example " + i + " moved " + o.l2()[i] + " > eps " + eps);
        fooled++;
      } else {
        assertEquals(0.0, o.linf()[i], "example " + i + " came back unchanged");
        kept++;
      }
      // the search does not depend on eps, so the bound only decides which successes are kept
      boolean insideWhenUnbounded = unbounded.l2()[i] <= eps && unbounded.adversarialPrediction()[i] != o.label()[i];
      assertEquals(insideWhenUnbounded, o.l2()[i] > 0, "example " + i + ": minimal L2 " + unbounded.l2()[i]);
    }
    assertTrue(fooled > 10 && kept > 10, "fooled " + fooled + ", returned clean " + kept);
  }

  @Test
  void findsSmallerPerturbationsThanL2PgdAtTheSameSuccess() {
    // PGD-L2 at a bound where it fools (almost) everything; compare on the examples both fool
    AttackOutcome pgd = RobustEvaluator.run(trained, TEST,
        PgdParams.builder().norm(Norm.L2).epsilon(2.0).steps(20).seed(1).build(), 32, n -> { });
    assertTrue(pgd.summary().robustAccuracy() <= 0.1, "PGD-L2 at 2.0: robust " + pgd.summary().robustAccuracy());
    List<Double> cwL2 = new ArrayList<>();
    List<Double> pgdL2 = new ArrayList<>();
    for (int i = 0; i < pgd.size(); i++) {
      if (pgd.adversarialPrediction()[i] != pgd.label()[i] && unbounded.adversarialPrediction()[i] != unbounded.label()[i]) {
        cwL2.add(unbounded.l2()[i]);
        pgdL2.add(pgd.l2()[i]);
      }
    }
    assertTrue(cwL2.size() > 0.9 * pgd.size(), "fooled by both: " + cwL2.size());
    double cw = median(cwL2.stream().mapToDouble(Double::doubleValue).toArray());
    double pg = median(pgdL2.stream().mapToDouble(Double::doubleValue).toArray());
    assertTrue(cw < 0.95 * pg, "median L2: CW " + cw + ", PGD " + pg);
  }

  @Test
  void sameSettingsSameBytesWhateverTheBatching() {
    AttackOutcome again = RobustEvaluator.run(trained, TEST, cw(UNBOUNDED).build(), 32, n -> { });
    assertArrayEquals(unbounded.l2(), again.l2(), 0.0);
    assertArrayEquals(unbounded.adversarialPrediction(), again.adversarialPrediction());
    AttackOutcome small = RobustEvaluator.run(trained, TEST, cw(UNBOUNDED).build(), 7, n -> { });
    assertArrayEquals(unbounded.adversarialPrediction(), small.adversarialPrediction());
    assertArrayEquals(unbounded.l2(), small.l2(), 1e-4);
  }

  @Test
  void straightThroughSeesPastCapsThatMaskTheGradient() {
    // caps of 1e-4: the CW loss has no gradient through the head, only its distance term
    try (Classifier capped = Classifier.create(ToyData.dense(ActivationKind.DRELU, 1e-4), ToyData.SHAPE, 3, Device.cpu())) {
      AttackOutcome plain = RobustEvaluator.run(capped, TEST, cw(UNBOUNDED).build(), 32, n -> { });
      AttackOutcome bpda = RobustEvaluator.run(capped, TEST, cw(UNBOUNDED).straightThrough(true).build(), 32, n -> { });
      assertTrue(plain.summary().zeroGradientFraction() > 0.9, "zero-gradient share " + plain.summary().zeroGradientFraction());
      assertEquals(plain.summary().cleanAccuracy(), plain.summary().robustAccuracy(), 1e-9, "plain CW cannot move");
      assertTrue(bpda.summary().robustAccuracy() < plain.summary().robustAccuracy() - 0.1,
          "straight-through CW: robust " + bpda.summary().robustAccuracy() + " of clean " + bpda.summary().cleanAccuracy());
    }
  }

  @Test
  void leavesNoArraysBehindHoweverLongItRuns() {
    int[] rows = dev.drelu.nn.Batches.allRows(TEST.size());
    int[] live = new int[2];
    int[] steps = {5, 40};
    for (int k = 0; k < 2; k++) {
      try (ai.djl.ndarray.NDManager m = trained.manager().newSubManager()) {
        ai.djl.ndarray.NDArray x = dev.drelu.nn.Batches.images(m, TEST, rows, 0, TEST.size());
        ai.djl.ndarray.NDArray y = dev.drelu.nn.Batches.labels(m, TEST, rows, 0, TEST.size());
        cw(UNBOUNDED).binarySearchSteps(2).steps(steps[k]).build().newAttack().perturb(trained, x, y, TEST.indices());
        live[k] = ((ai.djl.ndarray.BaseNDManager) trained.manager()).getManagedArrays().size();
      }
    }
    assertEquals(live[0], live[1], "live arrays after " + steps[0] + " and " + steps[1] + " steps");
  }

  @Test
  void noSearchStepsReturnsTheCleanInputWithoutQueries() {
    AttackOutcome o = RobustEvaluator.run(trained, TEST, cw(UNBOUNDED).binarySearchSteps(0).build(), 32, n -> { });
    assertArrayEquals(o.cleanPrediction(), o.adversarialPrediction());
    assertEquals(0.0, o.summary().maxLinf());
    assertEquals(0, o.summary().maxQueries());
  }

  @Test
  void rejectsSettingsItCannotRunWith() {
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> cw(1).learningRate(0).build().newAttack());
    assertTrue(rate.getMessage().startsWith("learning-rate must be"), rate.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> cw(1).initialConst(-1).build().newAttack());
    assertTrue(c.getMessage().startsWith("initial-const must be"), c.getMessage());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
