package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Checks;
import dev.drelu.nn.GradientSurrogate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which gradient an attack follows: the schedule, its YAML shorthands and its cache-key content. */
class SurrogateScheduleTest {
  private static double temperatureAt(SurrogateSchedule s, int g, int n) {
    return ((GradientSurrogate.SoftCap) s.at(g, n)).temperature();
  }

  @Test
  void theSoftCapsTemperatureFallsGeometricallyFromTheFirstGradientToTheLast() {
    SurrogateSchedule s = SurrogateSchedule.softCap(0.01, 1.0);
    assertEquals(1.0, temperatureAt(s, 0, 21), 1e-12);
    assertEquals(0.1, temperatureAt(s, 10, 21), 1e-12); // halfway in steps is halfway in log T
    assertEquals(0.01, temperatureAt(s, 20, 21), 1e-12);
    assertEquals(0.01, temperatureAt(s, 0, 1), 1e-12); // one gradient: the final temperature
    assertEquals(0.5, temperatureAt(SurrogateSchedule.softCap(0.5, 0.5), 3, 7), 1e-12); // no annealing
  }

  @Test
  void exactAndStraightThroughAreTheCapsOwnAndPlainRelusGradientAtEveryStep() {
    assertEquals(GradientSurrogate.EXACT, SurrogateSchedule.EXACT.at(3, 10));
    assertEquals(GradientSurrogate.STRAIGHT_THROUGH, SurrogateSchedule.STRAIGHT_THROUGH.at(3, 10));
  }

  @Test
  void straightThroughTrueIsTheShorthandOfSurrogateStraightThrough() {
    PgdParams flag = PgdParams.builder().epsilon(0.1).straightThrough(true).build();
    PgdParams named = PgdParams.builder().epsilon(0.1).surrogate(SurrogateSchedule.Kind.STRAIGHT_THROUGH).build();
    assertEquals(flag, named);
    assertTrue(named.straightThrough());
    assertEquals(flag.keyContent(), named.keyContent());
  }

  @Test
  void aSoftCapTakesTheDocumentedDefaultsAndEntersTheCacheKey() {
    ApgdParams a = ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).surrogate(SurrogateSchedule.Kind.SOFT_CAP).build();
    assertEquals(SurrogateSchedule.softCap(0.03, 1.0), a.surrogate());
    Map<String, Object> k = a.keyContent();
    assertEquals("soft-cap", k.get("surrogate"));
    assertEquals(0.03, k.get("temperature"));
    assertEquals(1.0, k.get("anneal-from"));
    // and the default APGD-CE's key has none of them: existing artifacts keep their keys
    assertTrue(ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).build().keyContent().keySet().stream()
        .noneMatch(key -> key.equals("surrogate") || key.equals("temperature") || key.equals("anneal-from")));
  }

  @Test
  void theSurrogateSurvivesEveryCopyButAPlainOrStraightThroughTwinReplacesIt() {
    PgdParams soft = PgdParams.builder().epsilon(0.1).softCap(0.05, 0.5).loss(PgdLoss.MARGIN).build();
    assertEquals(soft.surrogate(), soft.withEpsilon(0.2).surrogate());
    assertEquals(soft.surrogate(), soft.withName("x").surrogate());
    assertEquals(soft.surrogate(), soft.doubledBudget().surrogate());
    assertEquals(PgdLoss.MARGIN, soft.doubledBudget().loss());
    assertEquals(SurrogateSchedule.EXACT, soft.withStraightThrough(false).surrogate());
    assertEquals(SurrogateSchedule.STRAIGHT_THROUGH, soft.withStraightThrough(true).surrogate());
  }

  @Test
  void contradictionsAndBadTemperaturesAreRefusedNamingTheirKey() {
    Checks.Invalid both = assertThrows(Checks.Invalid.class,
        () -> PgdParams.builder().epsilon(0.1).straightThrough(true).surrogate(SurrogateSchedule.Kind.SOFT_CAP).build());
    assertEquals("surrogate", both.key());
    assertEquals("surrogate is soft-cap but straight-through is true; write only one of them", both.getMessage());
    Checks.Invalid stray = assertThrows(Checks.Invalid.class, () -> PgdParams.builder().epsilon(0.1).temperature(0.1).build());
    assertEquals("temperature applies to surrogate: soft-cap only, but the surrogate is exact", stray.getMessage());
    Checks.Invalid upward = assertThrows(Checks.Invalid.class, () -> PgdParams.builder().epsilon(0.1).softCap(0.5, 0.1).build());
    assertEquals("anneal-from", upward.key());
    Checks.Invalid zero = assertThrows(Checks.Invalid.class, () -> PgdParams.builder().epsilon(0.1).softCap(0, 1).build());
    assertEquals("temperature must be positive and finite, but was: 0.0", zero.getMessage());
  }

  @Test
  void aNonDefaultLossEntersTheCacheKeyAndTheDefaultDoesNot() {
    assertEquals("margin", PgdParams.builder().epsilon(0.1).loss(PgdLoss.MARGIN).build().keyContent().get("loss"));
    assertTrue(!PgdParams.of(0.1, 10).keyContent().containsKey("loss"));
  }
}
