package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Nearest-neighbour upsampling by an integer factor: each pixel becomes a factor x factor square.
 * It is what {@code tf.keras.layers.UpSampling2D(size=(f, f))} does with its default
 * {@code interpolation="nearest"}, the layer the paper's code puts in front of InceptionV3.
 */
public final class NearestUpsampling extends AbstractBlock {
  private final int factor;

  /** @param factor the integer scale factor for height and width, at least 1 */
  public NearestUpsampling(int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("upsampling factor must be at least 1, but was: " + factor);
    }
    this.factor = factor;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    // repeat copies each element along the axis: numpy.repeat, i.e. nearest-neighbour
    return new NDList(x.repeat(2, factor).repeat(3, factor));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) * factor, s.get(3) * factor)};
  }
}
