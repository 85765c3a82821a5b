package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;

/**
 * How much of the test set to attack and in what batches.
 *
 * @param examples attack the first this-many test examples (0 = all)
 * @param batchSize examples per attack batch
 */
public record EvaluationParams(int examples, int batchSize) implements Serializable {
  public EvaluationParams {
    Checks.atLeast("examples", examples, 0);
    Checks.atLeast("batch-size", batchSize, 1);
  }

  /** Everything, 256 at a time. */
  public static EvaluationParams defaults() {
    return new EvaluationParams(0, 256);
  }
}
