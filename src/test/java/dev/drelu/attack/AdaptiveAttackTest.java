package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.CappedRelu;
import dev.drelu.nn.Classifier;
import dev.drelu.testing.ToyData;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adaptive attacks (soft-cap surrogate, margin loss) by what they achieve: on trained models,
 * one of them with caps so low that the exact gradient vanishes for most inputs.
 */
class AdaptiveAttackTest {
  private static final ImageDataset TEST = ToyData.halves(96, 5);
  private static final double EPS = 0.25;
  /** Caps this low sit below most trained head activations: those units pass no exact gradient. */
  private static final float LOW_CAP = 0.05f;
  private static Classifier relu;
  private static Classifier capped;

  @BeforeAll
  static void train() throws Exception {
    relu = trained(ActivationKind.RELU);
    capped = trained(ActivationKind.DRELU);
    for (CappedRelu c : capped.cappedLayers()) {
      float[] caps = new float[c.units()];
      Arrays.fill(caps, LOW_CAP);
      c.capParameter().getArray().set(FloatBuffer.wrap(caps));
    }
  }

  private static Classifier trained(ActivationKind activation) throws Exception {
    Classifier m = Classifier.create(ToyData.dense(activation, 1.0), ToyData.SHAPE, 3, Device.cpu());
    new Trainer(new TrainingParams(6, 32, 1e-2, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(m, ToyData.halves(256, 1), ToyData.halves(64, 2), Files.createTempDirectory("adaptive-test"),
            TrainingListener.NONE);
    return m;
  }

  @AfterAll
  static void close() {
    relu.close();
    capped.close();
  }

  private static PgdParams.Builder pgd(double eps) {
    return PgdParams.builder().name("pgd").epsilon(eps).steps(20).stepSize(eps / 8).restarts(2);
  }

  private static PgdParams softCap(PgdParams.Builder b) {
    return b.name("pgd-softcap").softCap(0.03, 1.0).build();
  }

  private static AttackOutcome run(Classifier model, AttackParams p) {
    return RobustEvaluator.run(model, TEST, p, 32, n -> { });
  }

  private static double accuracy(AttackOutcome o) {
    return o.summary().robustAccuracy();
  }

  @Test
  void theLowCapModelStillClassifiesButItsExactGradientMostlyVanishes() {
    AttackOutcome exact = run(capped, pgd(EPS).build());
    assertTrue(exact.summary().cleanAccuracy() > 0.8, "clean accuracy " + exact.summary().cleanAccuracy());
    assertTrue(exact.summary().zeroGradientFraction() > 0.5, "zero-gradient share " + exact.summary().zeroGradientFraction());
  }

  @Test
  void softCapPgdBreaksWhatExactPgdCannotReachAndStaysInTheBall() {
    AttackOutcome exact = run(capped, pgd(EPS).build());
    AttackOutcome soft = run(capped, softCap(pgd(EPS)));
    assertTrue(accuracy(soft) < accuracy(exact) - 0.2,
        "soft cap " + accuracy(soft) + " vs exact " + accuracy(exact));
    for (int i = 0; i < soft.size(); i++) {
      assertTrue(soft.linf()[i] <= EPS + 1e-6, "example " + i + " moved " + soft.linf()[i]);
    }
  }

  @Test
  void softCapApgdBreaksWhatExactApgdCannotReach() {
    ApgdParams.Builder b = ApgdParams.builder(AttackMethod.APGD_CE).name("apgd-ce").epsilon(EPS).steps(20);
    AttackOutcome exact = run(capped, b.build());
    AttackOutcome soft = run(capped, b.name("apgd-softcap").softCap(0.03, 1.0).build());
    assertTrue(accuracy(soft) < accuracy(exact) - 0.2, "soft cap " + accuracy(soft) + " vs exact " + accuracy(exact));
  }

  @Test
  void onAModelWithoutCapsTheSurrogateChangesNothing() {
    assertEquals(accuracy(run(relu, pgd(EPS).build())), accuracy(run(relu, softCap(pgd(EPS)))));
  }

  @Test
  void marginPgdReachesZeroAccuracyWhenUnbounded() {
    PgdParams unbounded = pgd(1.0).loss(PgdLoss.MARGIN).build();
    assertEquals(0.0, accuracy(run(relu, unbounded)));
  }

  @Test
  void dlrPgdNeedsThreeClassesAndSaysSo() {
    // the toy task has two classes: DLR divides by z_(1) - z_(3), which does not exist
    PgdParams dlr = pgd(0.1).loss(PgdLoss.DLR).build();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> run(relu, dlr));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
  }

  @Test
  void strongerAttackFamilyFlagsTheLowCapModelAndNotTheReluOne() {
    Diagnostics.Check onCapped = family(capped);
    assertEquals(Boolean.FALSE, onCapped.passed(), onCapped.detail());
    assertTrue(onCapped.detail().contains("pgd-softcap"), onCapped.detail());
    Diagnostics.Check onRelu = family(relu);
    assertEquals(Boolean.TRUE, onRelu.passed(), onRelu.detail());
  }

  private static Diagnostics.Check family(Classifier model) {
    List<Diagnostics.Run> main = List.of(
        new Diagnostics.Run(pgd(EPS).build(), Diagnostics.Role.MAIN, run(model, pgd(EPS).build())),
        new Diagnostics.Run(softCap(pgd(EPS)), Diagnostics.Role.MAIN, run(model, softCap(pgd(EPS)))));
    return Diagnostics.strongerAttackFamily(main);
  }

  @Test
  void withoutAnAdaptiveAttackTheFamilyCheckCannotBeMade() {
    AttackOutcome o = run(relu, pgd(EPS).build());
    Diagnostics.Check c = Diagnostics.strongerAttackFamily(List.of(new Diagnostics.Run(pgd(EPS).build(), Diagnostics.Role.MAIN, o)));
    assertEquals(null, c.passed());
    assertFalse(Double.isFinite(c.value()));
  }
}
