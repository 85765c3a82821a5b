package dev.drelu.attack;

import dev.drelu.core.Checks;
import dev.drelu.data.ImageDataset;
import java.io.Serializable;

/**
 * Which test examples to attack and how to split the work.
 *
 * @param examples attack this many test examples (0 = all): a seeded, class-stratified sample of
 *     the test split, the same for every model and attack ({@link ImageDataset#sample})
 * @param batchSize examples per attack batch (results do not depend on it)
 * @param shards split the attacked examples into this many contiguous parts, each a separate
 *     pipeline element (results do not depend on it either: randomness is per example)
 * @param samplingSeed seeds the sample of {@code examples}
 * @param channelsLast attack convolutional networks with their inputs laid out channels-last
 *     (YAML {@code channels-last}, default false; {@link dev.drelu.nn.Classifier#setChannelsLast}):
 *     on CPU a Shallow CNN's gradient attacks ran 1.2x-1.4x as fast as in NCHW. The two layouts
 *     differ in the last bits of logits and gradients, which can decide an example or two of APGD
 *     (one of 500 in the quickstart's CNN rows), so the layout is part of a convolutional network's
 *     attack keys when it is channels-last, and NCHW stays the default: its results are those of
 *     every run made before the layout existed
 */
public record EvaluationParams(int examples, int batchSize, int shards, long samplingSeed, boolean channelsLast)
    implements Serializable {
  /** What {@link #sample} does, as recorded in manifests and MLflow ({@code evaluation.sampling}). */
  public static final String SAMPLING = "stratified by class";

  public EvaluationParams {
    Checks.atLeast("examples", examples, 0);
    Checks.atLeast("batch-size", batchSize, 1);
    Checks.atLeast("shards", shards, 1);
  }

  /** One shard, sampling seed 0, NCHW. */
  public EvaluationParams(int examples, int batchSize) {
    this(examples, batchSize, 1, 0, false);
  }

  /** Everything, 256 at a time, one shard, NCHW. */
  public static EvaluationParams defaults() {
    return new EvaluationParams(0, 256, 1, 0, false);
  }

  /** @return the same evaluation in the given layout */
  public EvaluationParams withChannelsLast(boolean on) {
    return new EvaluationParams(examples, batchSize, shards, samplingSeed, on);
  }

  /**
   * @return how the examples are chosen, as the attack and diagnose tasks put it in their
   *     parameters (so every manifest and MLflow run shows {@code evaluation.sampling})
   */
  public String sampling() {
    return examples == 0 ? "all" : SAMPLING + ", seed " + samplingSeed;
  }

  /** @return the examples to attack, in test-split order */
  public ImageDataset sample(ImageDataset test) {
    return test.sample(examples, samplingSeed);
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
