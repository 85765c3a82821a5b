package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;

/**
 * How much of the test set to attack and how to split the work.
 *
 * @param examples attack the first this-many test examples (0 = all)
 * @param batchSize examples per attack batch (results do not depend on it)
 * @param shards split the attacked examples into this many contiguous parts, each a separate
 *     pipeline element (results do not depend on it either: randomness is per example)
 */
public record EvaluationParams(int examples, int batchSize, int shards) implements Serializable {
  public EvaluationParams {
    Checks.atLeast("examples", examples, 0);
    Checks.atLeast("batch-size", batchSize, 1);
    Checks.atLeast("shards", shards, 1);
  }

  /** One shard. */
  public EvaluationParams(int examples, int batchSize) {
    this(examples, batchSize, 1);
  }

  /** Everything, 256 at a time, one shard. */
  public static EvaluationParams defaults() {
    return new EvaluationParams(0, 256, 1);
  }

  /**
   * @param shard 0-based shard number
   * @param size how many examples are attacked in all
   * @return the positions [from, to) of the shard's examples
   */
  public int[] shardRange(int shard, int size) {
    return new int[] {(int) ((long) shard * size / shards), (int) ((long) (shard + 1) * size / shards)};
  }
}
