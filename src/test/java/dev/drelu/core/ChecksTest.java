package dev.drelu.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every check names its key apart from the problem, and the message reads as it always did. */
class ChecksTest {
  @Test
  void everyCheckCarriesItsKeyApartFromTheProblem() {
    assertInvalid(() -> Checks.inRange("epsilon", 8, 0, 1), "epsilon", "must be in [0.0, 1.0], but was: 8.0");
    assertInvalid(() -> Checks.atLeast("batch-size", 0, 1), "batch-size", "must be at least 1, but was: 0");
    assertInvalid(() -> Checks.positive("learning-rate", Double.POSITIVE_INFINITY), "learning-rate",
        "must be a positive number, but was: Infinity");
    assertInvalid(() -> Checks.nonNegative("lambda", Double.NaN), "lambda",
        "must be a non-negative number, but was: NaN");
    assertInvalid(() -> Checks.notBlank("name", " "), "name", "must not be empty, but was:  ");
  }

  @Test
  void aHandWrittenCheckNamesItsKeyTheSameWay() {
    Checks.Invalid e = Checks.invalid("placement", "input-conv needs a convolutional architecture");
    assertEquals("placement", e.key());
    assertEquals("placement input-conv needs a convolutional architecture", e.getMessage());
  }

  @Test
  void valuesThatPassAreReturnedUnchanged() {
    assertEquals(0.5, Checks.inRange("epsilon", 0.5, 0, 1));
    assertEquals(3, Checks.atLeast("steps", 3, 1));
    assertEquals("x", Checks.notBlank("name", "x"));
  }

  private static void assertInvalid(Executable check, String key, String problem) {
    Checks.Invalid e = assertThrows(Checks.Invalid.class, check);
    assertEquals(key, e.key());
    assertEquals(problem, e.problem());
    assertEquals(key + " " + problem, e.getMessage(), "callers that print the message see what they always saw");
  }
}
