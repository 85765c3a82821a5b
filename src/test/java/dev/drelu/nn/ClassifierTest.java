package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.testing.ToyData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every model the factory builds returns logits of the right shape and carries its caps where asked. */
class ClassifierTest {
  private static final InputShape MNIST = new InputShape(1, 28, 28, 10);

  private static ModelSpec spec(Architecture a, ActivationKind act, Placement p) {
    return new ModelSpec(a, a == Architecture.DENSE ? List.of(32, 16) : List.of(8, 16), 16, 0.3, act, p, 100, 1, 4);
  }

  @Test
  void everyArchitectureActivationAndPlacementGivesLogits() {
    // the large backbones have their own tests (BackbonesTest): they need 3-channel, larger inputs
    for (Architecture a : List.of(Architecture.DENSE, Architecture.SHALLOW_CNN)) {
      for (ActivationKind act : ActivationKind.values()) {
        for (Placement p : Placement.values()) {
          if (p == Placement.INPUT_CONV && a == Architecture.DENSE) {
            continue;
          }
          try (Classifier c = Classifier.create(spec(a, act, p), MNIST, 1, Device.cpu());
              NDManager m = c.manager().newSubManager()) {
            NDArray logits = c.forward(m.ones(new Shape(5, 1, 28, 28)), false);
            assertEquals(new Shape(5, 10), logits.getShape(), a + " " + act + " " + p);
            int expectedCapped = act == ActivationKind.RELU ? 0 : 1;
            assertEquals(expectedCapped, c.cappedLayers().size(), a + " " + act + " " + p);
            if (act == ActivationKind.DRELU) {
              int units = p == Placement.HEAD ? 16 : 4; // head units, or input-conv filters (one cap per channel)
              assertEquals(units, c.capSummary().count());
              assertEquals(100.0, c.capSummary().mean(), 1e-6, "caps start at cap-init");
            }
          }
        }
      }
    }
  }

  @Test
  void inputConvPlacementNeedsAConvolutionalNetwork() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spec(Architecture.DENSE, ActivationKind.DRELU, Placement.INPUT_CONV));
    assertTrue(e.getMessage().contains("input-conv"), e.getMessage());
  }

  @Test
  void theSameSeedGivesTheSameWeightsAndSaveLoadRoundTrips(@TempDir Path dir) throws Exception {
    ModelSpec s = ToyData.cnn(ActivationKind.DRELU, Placement.HEAD);
    try (Classifier a = Classifier.create(s, ToyData.SHAPE, 5, Device.cpu());
        Classifier b = Classifier.create(s, ToyData.SHAPE, 5, Device.cpu());
        Classifier other = Classifier.create(s, ToyData.SHAPE, 6, Device.cpu())) {
      float[] wa = a.parameters().get(0).getArray().toFloatArray();
      assertArrayEquals(wa, b.parameters().get(0).getArray().toFloatArray());
      assertTrue(!java.util.Arrays.equals(wa, other.parameters().get(0).getArray().toFloatArray()));
      a.save(dir.resolve("p.params"));
      try (Classifier loaded = Classifier.load(s, ToyData.SHAPE, dir.resolve("p.params"), Device.cpu())) {
        for (int i = 0; i < a.parameters().size(); i++) {
          assertArrayEquals(a.parameters().get(i).getArray().toFloatArray(),
              loaded.parameters().get(i).getArray().toFloatArray());
        }
      }
    }
  }

  @Test
  void thePenaltyIsTheSumOfSquaredCaps() {
    try (Classifier c = Classifier.create(ToyData.dense(ActivationKind.DRELU, 3.0), ToyData.SHAPE, 1, Device.cpu());
        NDManager m = c.manager().newSubManager()) {
      // 8 head units with cap 3: 8 * 9
      assertEquals(72f, c.capPenalty(m).getFloat(), 1e-4f);
    }
    try (Classifier c = Classifier.create(ToyData.dense(ActivationKind.RELU, 3.0), ToyData.SHAPE, 1, Device.cpu());
        NDManager m = c.manager().newSubManager()) {
      assertEquals(0f, c.capPenalty(m).getFloat());
    }
  }
}
