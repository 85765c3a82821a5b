package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The channels-last layout ({@code evaluation: channels-last: true}) computes the same network:
 * logits and input gradients agree with the NCHW pass to float tolerance (the convolutions sum in
 * another order, so not to the bit), on one channel (where only strides change) and on three
 * (where the values are copied into another order and a wrong permutation would scramble them).
 */
class ChannelsLastTest {
  private static final float TOLERANCE = 1e-4f;

  @Test
  void aShallowCnnOnOneChannelGivesTheSameLogitsAndGradients() {
    assertSameNetwork(ModelSpec.defaults(Architecture.SHALLOW_CNN).withActivation(ActivationKind.DRELU),
        new InputShape(1, 28, 28, 10));
  }

  @Test
  void aShallowCnnOnThreeChannelsGivesTheSameLogitsAndGradients() {
    assertSameNetwork(ModelSpec.defaults(Architecture.SHALLOW_CNN), new InputShape(3, 32, 32, 10));
  }

  @Test
  void aDenseNetworkIsLeftInItsLayoutAndKeepsItsBits() {
    ModelSpec spec = ModelSpec.defaults(Architecture.DENSE).withActivation(ActivationKind.DRELU);
    Pass[] passes = passes(spec, new InputShape(1, 28, 28, 10));
    assertArrayEquals(passes[0].logits(), passes[1].logits());
    assertArrayEquals(passes[0].gradient(), passes[1].gradient());
  }

  private static void assertSameNetwork(ModelSpec spec, InputShape shape) {
    Pass[] passes = passes(spec, shape);
    assertClose(passes[0].logits(), passes[1].logits(), "logits");
    assertClose(passes[0].gradient(), passes[1].gradient(), "input gradient");
    assertTrue(maxAbs(passes[0].gradient()) > 0, "the input gradient is not all zero, so the comparison means something");
  }

  private record Pass(float[] logits, float[] gradient) {}

  /** @return the NCHW pass and the channels-last pass of one model on one seeded batch */
  private static Pass[] passes(ModelSpec spec, InputShape shape) {
    try (Classifier model = Classifier.create(spec, shape, 5, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      m.getEngine().setRandomSeed(9);
      NDArray x = m.randomUniform(0, 1, new Shape(8, shape.channels(), shape.height(), shape.width()));
      NDArray y = m.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7});
      Pass nchw = pass(model, x, y);
      model.setChannelsLast(true);
      Pass channelsLast = pass(model, x, y);
      model.setChannelsLast(false);
      Pass again = pass(model, x, y);
      assertArrayEquals(nchw.logits(), again.logits(), "switching the layout off gives the NCHW bits back");
      return new Pass[] {nchw, channelsLast};
    }
  }

  private static Pass pass(Classifier model, NDArray x, NDArray y) {
    return model.withFrozenParameters(() -> {
      NDArray input = x.duplicate();
      input.setRequiresGradient(true);
      try (Autograd autograd = Autograd.record()) {
        NDArray logits = model.forward(input, false);
        autograd.backward(Losses.crossEntropy(logits, y).sum());
        return new Pass(logits.toFloatArray(), input.getGradient().toFloatArray());
      }
    });
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    float scale = Math.max(1e-3f, maxAbs(expected));
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE * scale, what + " at " + i);
    }
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
