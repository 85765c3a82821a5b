package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both fast poolings must give exactly what libtorch's max_pool2d gives: the forward-only one
 * (Square's queries, clean passes, evaluation) its output, the recording one (gradient attacks and
 * training in NCHW) its output and gradient; a prediction or a weight must not depend on which ran.
 */
class MaxPool2x2Test {
  /** Odd sizes among them: a last row and column both drop. */
  private static final Shape[] SHAPES = {new Shape(5, 3, 28, 28), new Shape(2, 4, 7, 9), new Shape(1, 1, 2, 2)};

  @Test
  void windowMaximumEqualsMaxPool2d() {
    Random random = new Random(3);
    try (NDManager m = NDManager.newBaseManager()) {
      for (Shape shape : SHAPES) {
        float[] values = awkwardValues(random, shape, false); // and a NaN
        values[values.length / 2] = Float.NaN;
        NDArray x = m.create(values, shape);
        float[] expected = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false).toFloatArray();
        NDArray actual = MaxPool2x2.windowMaximum(x);
        assertEquals(new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2), actual.getShape());
        assertArrayEquals(values(expected), values(actual.toFloatArray()), "at shape " + shape);
      }
    }
  }

  /**
   * The recording path's gather gives max_pool2d's output and gradient bit for bit: each window's
   * gradient reaches its first maximum, in ties of equal values, of 0 and -0 and of infinities
   * alike, and odd sizes drop their last row and column.
   */
  @Test
  void firstMaximumGivesMaxPool2dsOutputAndGradientBitForBit() {
    Random random = new Random(5);
    try (NDManager m = NDManager.newBaseManager()) {
      for (Shape shape : SHAPES) {
        float[] values = awkwardValues(random, shape, true);
        float[] gradientValues = new float[(int) (shape.get(0) * shape.get(1) * (shape.get(2) / 2) * (shape.get(3) / 2))];
        for (int i = 0; i < gradientValues.length; i++) {
          gradientValues[i] = (float) random.nextGaussian();
        }
        float[][] expected = pooledAndGradient(m, values, shape, gradientValues, true);
        float[][] actual = pooledAndGradient(m, values, shape, gradientValues, false);
        assertArrayEquals(bits(expected[0]), bits(actual[0]), "output at shape " + shape);
        assertArrayEquals(bits(expected[1]), bits(actual[1]), "gradient at shape " + shape);
      }
    }
  }

  /** A window holding a NaN goes to max_pool2d, whose last-NaN rule the gather does not copy. */
  @Test
  void aNanLeavesTheRecordingPathToMaxPool2d() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] values = {Float.NaN, 2f, Float.NaN, 1f, 0f, 0f, 0f, 0f};
      Shape shape = new Shape(1, 2, 2, 2);
      assertNull(MaxPool2x2.firstMaximum(m.create(values, shape)));
      float[] gradient = {3f, 5f};
      float[][] expected = pooledAndGradient(m, values, shape, gradient, true);
      float[][] actual = pooledAndGradient(m, values, shape, gradient, false);
      assertArrayEquals(bits(expected[0]), bits(actual[0]));
      assertArrayEquals(bits(expected[1]), bits(actual[1]));
      assertEquals(3f, actual[1][2], "the last NaN of the first window takes its gradient");
    }
  }

  /**
   * @return values of the shape with many ties: ReLU-like zeros, negative zeros, a repeated 1.5,
   *     with {@code infinities} both infinities too, and Gaussian values between them
   */
  private static float[] awkwardValues(Random random, Shape shape, boolean infinities) {
    float[] values = new float[(int) shape.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (random.nextInt(infinities ? 8 : 6)) {
        case 0 -> 0f;
        case 1 -> -0f;
        case 2 -> 1.5f;
        case 3 -> infinities ? Float.NEGATIVE_INFINITY : (float) random.nextGaussian();
        case 4 -> infinities ? Float.POSITIVE_INFINITY : (float) random.nextGaussian();
        default -> (float) random.nextGaussian();
      };
    }
    return values;
  }

  /** @return the pooled values and the gradient of sum(pooled * weights) with respect to the input */
  private static float[][] pooledAndGradient(NDManager m, float[] values, Shape shape, float[] weights,
      boolean kernel) {
    try (NDManager scope = m.newSubManager(); Autograd on = Autograd.record()) {
      NDArray x = scope.create(values, shape);
      x.setRequiresGradient(true);
      NDArray pooled = kernel
          ? Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false)
          : MaxPool2x2.pool(x, false);
      on.backward(pooled.mul(scope.create(weights, pooled.getShape())).sum());
      return new float[][] {pooled.toFloatArray(), x.getGradient().toFloatArray()};
    }
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
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
