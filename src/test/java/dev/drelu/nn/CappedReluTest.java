package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** D-ReLU's forward pass and both gradients, against values worked out by hand. */
class CappedReluTest {
  // two examples, three units; the caps are [1, 2, 0.5]
  private static final float[] X = {-1f, 0.5f, 3f, 1.5f, 1.0f, 0.2f};
  private static final float[] CAPS = {1f, 2f, 0.5f};
  // loss = sum(out * W): d loss / d out = W
  private static final float[] W = {1, 2, 3, 4, 5, 6};

  private record Grads(float[] out, float[] dx, float[] dm) {}

  private static Grads run(CappedRelu layer, float[] caps) {
    try (NDManager m = NDManager.newBaseManager()) {
      layer.initialize(m, DataType.FLOAT32, new Shape(2, 3));
      NDArray capArray = null;
      if (layer.isDynamic()) {
        capArray = layer.capParameter().getArray();
        capArray.set(FloatBuffer.wrap(caps));
        capArray.setRequiresGradient(true);
      }
      NDArray x = m.create(X, new Shape(2, 3));
      x.setRequiresGradient(true);
      try (Autograd autograd = Autograd.record()) {
        NDArray out = layer.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
        autograd.backward(out.mul(m.create(W, new Shape(2, 3))).sum());
        return new Grads(
            out.toFloatArray(),
            x.getGradient().toFloatArray(),
            capArray == null ? null : capArray.getGradient().toFloatArray());
      }
    }
  }

  @Test
  void forwardClampsToZeroAndTheCap() {
    Grads g = run(CappedRelu.dynamic(3, false, 1f), CAPS);
    assertArrayEquals(new float[] {0f, 0.5f, 0.5f, 1f, 1f, 0.2f}, g.out(), 1e-6f);
  }

  @Test
  void inputGradientIsOneOnlyBetweenZeroAndTheCap() {
    Grads g = run(CappedRelu.dynamic(3, false, 1f), CAPS);
    // x=-1 below 0; 0.5 in (0,2); 3 above 0.5; 1.5 above 1; 1.0 in (0,2); 0.2 in (0,0.5)
    assertArrayEquals(new float[] {0f, 2f, 0f, 0f, 5f, 6f}, g.dx(), 1e-6f);
  }

  @Test
  void capGradientCountsTheInputsAboveTheCap() {
    Grads g = run(CappedRelu.dynamic(3, false, 1f), CAPS);
    // cap 0: x=1.5 > 1 (weight 4); cap 1: none; cap 2: x=3 > 0.5 (weight 3)
    assertArrayEquals(new float[] {4f, 0f, 3f}, g.dm(), 1e-6f);
  }

  @Test
  void negativeCapSilencesTheUnit() {
    Grads g = run(CappedRelu.dynamic(3, false, 1f), new float[] {-1f, 2f, 0.5f});
    assertEquals(0f, g.out()[0]);
    assertEquals(0f, g.out()[3]);
  }

  @Test
  void straightThroughKeepsTheForwardPassAndUsesReluGradient() {
    CappedRelu layer = CappedRelu.dynamic(3, false, 1f);
    layer.setStraightThrough(true);
    Grads g = run(layer, CAPS);
    assertArrayEquals(new float[] {0f, 0.5f, 0.5f, 1f, 1f, 0.2f}, g.out(), 1e-6f);
    // ReLU's gradient: 1 wherever x > 0
    assertArrayEquals(new float[] {0f, 2f, 3f, 4f, 5f, 6f}, g.dx(), 1e-6f);
  }

  @Test
  void softCapKeepsTheForwardPassAndPassesTheSmoothCapsGradient() {
    double t = 0.25;
    CappedRelu layer = CappedRelu.dynamic(3, false, 1f);
    layer.setSurrogate(new GradientSurrogate.SoftCap(t));
    Grads g = run(layer, CAPS);
    assertArrayEquals(new float[] {0f, 0.5f, 0.5f, 1f, 1f, 0.2f}, g.out(), 1e-6f);
    // d/dx [T softplus(x/T) - T softplus((x-m)/T)] = sigmoid(x/T) - sigmoid((x-m)/T), times W
    float[] expected = new float[6];
    for (int i = 0; i < 6; i++) {
      double cap = CAPS[i % 3];
      expected[i] = (float) (W[i] * (sigmoid(X[i] / t) - sigmoid((X[i] - cap) / t)));
    }
    assertArrayEquals(expected, g.dx(), 1e-5f);
    // the unit at x = 3 above its cap 0.5 passes a gradient where the exact cap passes none
    assertEquals(0f, run(CappedRelu.dynamic(3, false, 1f), CAPS).dx()[2]);
    assertTrue(g.dx()[2] > 0);
  }

  @Test
  void aColdSoftCapApproachesTheExactGradient() {
    CappedRelu layer = CappedRelu.dynamic(3, false, 1f);
    layer.setSurrogate(new GradientSurrogate.SoftCap(1e-3));
    assertArrayEquals(run(CappedRelu.dynamic(3, false, 1f), CAPS).dx(), run(layer, CAPS).dx(), 1e-4f);
    assertThrows(IllegalArgumentException.class, () -> new GradientSurrogate.SoftCap(0));
  }

  @Test
  void asTheTemperatureFallsTheSoftCapsGradientClosesOnTheExactOne() {
    float[] exact = run(CappedRelu.dynamic(3, false, 1f), CAPS).dx();
    double previous = Double.POSITIVE_INFINITY;
    for (double t : new double[] {1.0, 0.3, 0.1, 0.03, 0.01, 0.003}) {
      CappedRelu layer = CappedRelu.dynamic(3, false, 1f);
      layer.setSurrogate(new GradientSurrogate.SoftCap(t));
      float[] soft = run(layer, CAPS).dx();
      double distance = 0;
      for (int i = 0; i < exact.length; i++) {
        distance = Math.max(distance, Math.abs(soft[i] - exact[i]));
      }
      // strictly closer each time, until float32 cannot tell them apart
      assertTrue(distance < previous || distance < 1e-6, "T " + t + ": distance " + distance + " after " + previous);
      previous = distance;
    }
    assertTrue(previous < 1e-3, "at T 0.003 the gradients still differ by " + previous);
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Test
  void staticCapIsFixed() {
    // 1.2 keeps every input off the cap itself, where PyTorch splits the gradient in half
    Grads g = run(CappedRelu.fixed(3, false, 1.2f), null);
    assertArrayEquals(new float[] {0f, 0.5f, 1.2f, 1.2f, 1f, 0.2f}, g.out(), 1e-6f);
    assertArrayEquals(new float[] {0f, 2f, 0f, 0f, 5f, 6f}, g.dx(), 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> CappedRelu.fixed(3, false, 0f));
  }

  @Test
  void perChannelCapsBroadcastOverHeightAndWidth() {
    CappedRelu layer = CappedRelu.dynamic(2, true, 1f);
    try (NDManager m = NDManager.newBaseManager()) {
      layer.initialize(m, DataType.FLOAT32, new Shape(1, 2, 1, 2));
      layer.capParameter().getArray().set(FloatBuffer.wrap(new float[] {1f, 3f}));
      NDArray x = m.create(new float[] {2f, 0.5f, 2f, 4f}, new Shape(1, 2, 1, 2));
      NDArray out = layer.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      assertArrayEquals(new float[] {1f, 0.5f, 2f, 3f}, out.toFloatArray(), 1e-6f);
    }
  }
}
