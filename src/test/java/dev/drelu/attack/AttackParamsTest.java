package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Checks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AttackParamsTest {
  /** Every method at its reference defaults, at a bound its norm allows. */
  private static List<AttackParams> defaults() {
    return java.util.Arrays.stream(AttackMethod.values()).map(m -> (AttackParams) AttackParams.builder(m).epsilon(0.1).build())
        .toList();
  }

  /**
   * Settings added after attacks were first cached enter the key content only when set away from
   * their default, so every attack cached before keeps its key.
   */
  private static final Set<String> ONLY_WHEN_SET = Set.of("surrogate", "temperature", "anneal-from", "loss",
      "model-output", "eot-samples");

  @Test
  void everyMethodsKeyContentIsExactlyItsYamlKeysPlusTheKeyFormat() {
    for (AttackParams p : defaults()) {
      Set<String> expected = new LinkedHashSet<>(AttackParams.keys(p.method()));
      expected.removeAll(ONLY_WHEN_SET);
      expected.add("key-format");
      assertEquals(new TreeMap<>(Map.of()).getClass(), p.keyContent().getClass(), "sorted: " + p.method());
      assertEquals(Set.copyOf(expected), p.keyContent().keySet(), p.method().key());
      assertEquals(p.method().key(), p.keyContent().get("method"));
      assertEquals(AttackParams.KEY_FORMAT, p.keyContent().get("key-format"));
    }
  }

  @Test
  void anAdaptivePgdsKeyContentHoldsEveryOneOfItsYamlKeys() {
    PgdParams p = PgdParams.builder().epsilon(0.1).loss(PgdLoss.MARGIN).softCap(0.03, 1.0)
        .modelOutput(ModelOutput.SOFTMAX).build();
    Set<String> expected = new LinkedHashSet<>(AttackParams.keys(AttackMethod.PGD));
    expected.add("key-format");
    assertEquals(Set.copyOf(expected), p.keyContent().keySet());
  }

  @Test
  void theLaterSettingsEnterTheKeyContentWhenSet() {
    for (AttackMethod m : AttackMethod.values()) {
      AttackParams softmax = AttackParams.builder(m).epsilon(0.1).modelOutput(ModelOutput.SOFTMAX).build();
      assertEquals("softmax", softmax.keyContent().get("model-output"), m.key());
      assertEquals(ModelOutput.SOFTMAX, softmax.withName("x").withEpsilon(0.2).modelOutput(), "kept by the copies");
    }
    ApgdParams eot = ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).eotSamples(20).build();
    assertEquals(20, eot.keyContent().get("eot-samples"));
    assertEquals(20, eot.doubledBudget().eotSamples());
  }

  /** Pinned: a change here changes every PGD cache key, so it needs a new KEY_FORMAT. */
  @Test
  void pgdKeyContentIsItsOwnSettingsByYamlKey() {
    Map<String, Object> expected = new TreeMap<>();
    expected.put("key-format", 1);
    expected.put("method", "pgd");
    expected.put("name", "pgd");
    expected.put("norm", "linf");
    expected.put("epsilon", 0.1);
    expected.put("seed", 0L);
    expected.put("straight-through", false);
    expected.put("source", "self");
    expected.put("steps", 10);
    expected.put("step-size", 2.5 * 0.1 / 10);
    expected.put("random-start", true);
    expected.put("restarts", 1);
    assertEquals(expected, PgdParams.of(0.1, 10).keyContent());
  }

  @Test
  void eachMethodTakesOnlyItsOwnKeys() {
    assertEquals(List.of("method", "name", "norm", "epsilon", "seed", "model-output", "straight-through", "source"),
        AttackParams.keys(AttackMethod.FGSM));
    assertTrue(AttackParams.keys(AttackMethod.APGD_T).contains("targets"));
    assertFalse(AttackParams.keys(AttackMethod.APGD_CE).contains("targets"));
    assertFalse(AttackParams.keys(AttackMethod.APGD_DLR).contains("targets"));
    List<String> square = AttackParams.keys(AttackMethod.SQUARE);
    assertFalse(square.contains("straight-through") || square.contains("source") || square.contains("steps"), square.toString());
    assertEquals(List.of("queries", "p-init", "all-positions"), square.subList(square.size() - 3, square.size()));
    assertTrue(AttackParams.allKeys().containsAll(List.of("targets", "queries", "binary-search-steps", "step-size")));
  }

  @Test
  void squareNeitherPassesThroughCapsNorTransfers() {
    SquareParams square = SquareParams.builder().epsilon(0.1).build();
    assertFalse(square.straightThrough());
    assertEquals(AttackSource.SELF, square.source());
  }

  @Test
  void theDoubledBudgetHasTwiceTheStepsAndRestartsAndPgdHalfTheStep() {
    PgdParams pgd = PgdParams.builder().epsilon(0.1).steps(20).stepSize(0.01).restarts(3).straightThrough(true).build();
    assertEquals(new PgdParams("pgd-x2", pgd.threatModel(), 40, 0.005, true, 6, true, AttackSource.SELF, 0),
        pgd.doubledBudget());
    ApgdParams apgd = ApgdParams.builder(AttackMethod.APGD_T).epsilon(0.1).steps(50).build();
    ApgdParams twice = apgd.doubledBudget();
    assertEquals(List.of("apgd-t-x2", 100, 2, 9), List.of(twice.name(), twice.steps(), twice.restarts(), twice.targets()));
  }

  @Test
  void aNewBoundKeepsPgdsStepInProportionAndFromZeroTakesTheDefault() {
    PgdParams pgd = PgdParams.builder().epsilon(0.1).steps(10).stepSize(0.02).build();
    assertEquals(0.02 * 0.3 / 0.1, pgd.withEpsilon(0.3).stepSize(), 0.0);
    assertEquals(0.3, pgd.withEpsilon(0.3).epsilon(), 0.0);
    assertEquals(2.5 * 0.3 / 10, PgdParams.of(0, 10).withEpsilon(0.3).stepSize(), 0.0);
    assertEquals(0.3, SquareParams.builder().epsilon(0.1).build().withEpsilon(0.3).epsilon(), 0.0);
  }

  @Test
  void aSweepPointIsPlainOrAdaptiveWhateverTheSweptAttackWas() {
    PgdParams adaptive = PgdParams.of(0.1, 10).withStraightThrough(true);
    SweepParams sweep = new SweepParams(adaptive, List.of(0.1, 0.2), true);
    assertFalse(sweep.at(0.2, false).straightThrough());
    assertTrue(sweep.at(0.2, true).straightThrough());
    assertEquals("pgd-bpda-eps0.2", sweep.at(0.2, true).name());
    SweepParams square = new SweepParams(SquareParams.builder().epsilon(0.1).build(), List.of(0.1, 0.2), true);
    assertFalse(square.at(0.2, true).straightThrough(), "Square has no BPDA");
  }

  /** Each complaint names its YAML key, so the spec loader can point at the line. */
  @Test
  void badSettingsAreRefusedNamingTheirYamlKey() {
    assertRefused("epsilon must be set (the linf bound)", () -> PgdParams.builder().build());
    assertRefused("epsilon must be in [0.0, 1.0], but was: 1.5", () -> FgsmParams.of(1.5));
    assertRefused("epsilon must be a non-negative number, but was: -1.0",
        () -> PgdParams.builder().norm(Norm.L2).epsilon(-1).build());
    assertRefused("norm must be one of [linf] for fgsm, but was: l2", () -> FgsmParams.builder().norm(Norm.L2).epsilon(1).build());
    assertRefused("norm must be one of [l2] for cw-l2, but was: linf",
        () -> CwL2Params.builder().norm(Norm.LINF).epsilon(0.1).build());
    assertRefused("name must be lower-case letters, digits, '-', '_' or '.', but was: PGD",
        () -> PgdParams.builder().name("PGD").epsilon(0.1).build());
    assertRefused("steps must be at least 1, but was: 0", () -> PgdParams.builder().epsilon(0.1).steps(0).stepSize(0.1).build());
    assertRefused("restarts must be at least 1, but was: 0", () -> ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).restarts(0).build());
    assertRefused("momentum must be in [0.0, 1.0], but was: 2.0",
        () -> ApgdParams.builder(AttackMethod.APGD_DLR).epsilon(0.1).momentum(2).build());
    assertRefused("targets must be at least 1 for apgd-t, but was: 0",
        () -> ApgdParams.builder(AttackMethod.APGD_T).epsilon(0.1).targets(0).build());
    assertRefused("targets applies to apgd-t only, but was: 3 for apgd-ce",
        () -> ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).targets(3).build());
    assertRefused("method must be apgd-ce, apgd-dlr or apgd-t, but was: pgd",
        () -> ApgdParams.builder(AttackMethod.PGD).epsilon(0.1).build());
    assertRefused("binary-search-steps must be at least 0, but was: -1",
        () -> CwL2Params.builder().epsilon(1).binarySearchSteps(-1).build());
    assertRefused("queries must be at least 1, but was: 0", () -> SquareParams.builder().epsilon(0.1).queries(0).build());
    assertRefused("p-init must be in (0, 1], but was: 0.0", () -> SquareParams.builder().epsilon(0.1).pInit(0).build());
    assertRefused("step-size must be a finite number, but was: Infinity",
        () -> PgdParams.builder().stepSize(Double.POSITIVE_INFINITY));
    assertRefused("epsilons must list at least two bounds, but was: [0.1]",
        () -> new SweepParams(PgdParams.of(0.1, 10), List.of(0.1), true));
  }

  @Test
  void everyMethodBuildsItsOwnAttack() {
    Map<AttackMethod, Class<?>> expected = Map.of(AttackMethod.FGSM, Fgsm.class, AttackMethod.PGD, Restarts.class,
        AttackMethod.APGD_CE, Apgd.class, AttackMethod.APGD_DLR, Apgd.class, AttackMethod.APGD_T, Apgd.class,
        AttackMethod.CW_L2, CwL2.class, AttackMethod.SQUARE, Square.class);
    for (AttackParams p : defaults()) {
      assertInstanceOf(expected.get(p.method()), p.newAttack(), p.method().key());
    }
  }

  /** Beam moves tasks between workers by Java serialisation. */
  @Test
  void everyMethodsParametersSurviveJavaSerialisation() throws IOException, ClassNotFoundException {
    for (AttackParams p : defaults()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(p);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(p, in.readObject(), p.method().key());
      }
    }
  }

  /** The complaint carries its YAML key apart from the text, so the spec need not parse the message. */
  private static void assertRefused(String message, Supplier<?> build) {
    Checks.Invalid e = assertThrows(Checks.Invalid.class, build::get);
    assertEquals(message, e.getMessage());
    assertEquals(message.substring(0, message.indexOf(' ')), e.key());
  }
}
