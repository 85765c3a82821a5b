package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * Inverted dropout whose masks come from a Java random stream that the trainer reseeds each
 * epoch. PyTorch's generator is global to the process, so with two models training in one JVM
 * (Beam workers) its draws would interleave and runs would stop being repeatable; this keeps a
 * model's masks a function of its own seed and epoch, also after a resume.
 */
public final class SeededDropout extends AbstractBlock {
  private final float rate;
  private SplittableRandom random = new SplittableRandom(0);

  /** @param rate the probability of dropping a unit, in [0, 1) */
  public SeededDropout(float rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), but was: " + rate);
    }
    this.rate = rate;
  }

  /** Restarts the mask stream; the trainer calls this at the start of every epoch. */
  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (!training || rate == 0f) {
      return new NDList(x);
    }
    float keep = 1f - rate;
    float[] mask = new float[(int) x.size()];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = random.nextDouble() < keep ? 1f / keep : 0f;
    }
    NDArray m = x.getManager().create(mask, x.getShape()).toDevice(x.getDevice(), false);
    return new NDList(x.mul(m));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
