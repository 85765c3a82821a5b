package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forward-only pooling must give exactly what libtorch's max_pool2d gives: the Square attack,
 * clean passes and evaluation use it, the gradient passes use max_pool2d, and a prediction must
 * not depend on which of the two ran.
 */
class MaxPool2x2Test {

  @Test
  void windowMaximumEqualsMaxPool2d() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random random = new Random(3);
      // odd sizes (a last row and column both drop), ReLU-like zeros and ties, negative zeros, a NaN
      for (Shape shape : new Shape[] {new Shape(5, 3, 28, 28), new Shape(2, 4, 7, 9), new Shape(1, 1, 2, 2)}) {
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
          int kind = random.nextInt(6);
          values[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? 1.5f : (float) random.nextGaussian();
        }
        values[values.length / 2] = Float.NaN;
        NDArray x = m.create(values, shape);
        float[] expected = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false).toFloatArray();
        NDArray actual = MaxPool2x2.windowMaximum(x);
        assertEquals(new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2), actual.getShape());
        assertArrayEquals(values(expected), values(actual.toFloatArray()), "at shape " + shape);
      }
    }
  }

  /** The Shallow CNN's logits are the same with and without gradient recording (the two pooling paths). */
  @Test
  void aShallowCnnGivesTheSameLogitsOnBothPaths() {
    ModelSpec spec = ModelSpec.defaults(Architecture.SHALLOW_CNN).withActivation(ActivationKind.DRELU);
    try (Classifier model = Classifier.create(spec, new InputShape(1, 28, 28, 10), 11, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 28, 28));
      float[] recorded;
      try (Autograd on = Autograd.record()) {
        recorded = model.forward(x, false).toFloatArray();
      }
      float[] forwardOnly;
      try (Autograd off = Autograd.off()) {
        forwardOnly = model.forward(x, false).toFloatArray();
      }
      assertArrayEquals(values(recorded), values(forwardOnly));
    }
  }

  /**
   * The values as bits, except that -0 counts as 0: in a tie of 0 and -0 max_pool2d keeps the
   * first and maximum returns 0, and no sum, product or comparison after it can tell them apart.
   */
  private static int[] values(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToIntBits(values[i] == 0f ? 0f : values[i]);
    }
    return out;
  }
}
