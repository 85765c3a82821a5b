package dev.drelu.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training-memory estimate against the networks drelu really builds. */
class TrainingMemoryTest {
  private static final InputShape MNIST = new InputShape(1, 28, 28, 10);

  /** The estimate's parameter count is the built network's, for the small nets it counts exactly. */
  @Test
  void parameterCountMatchesTheBuiltNetwork() throws Exception {
    for (ModelSpec spec : List.of(
        new ModelSpec(Architecture.DENSE, List.of(256, 128), 256, 0.3, ActivationKind.DRELU, Placement.HEAD, 2, 1, 32),
        new ModelSpec(Architecture.SHALLOW_CNN, List.of(32, 64), 256, 0.3, ActivationKind.RELU, Placement.HEAD, 100, 1,
            32))) {
      try (Classifier model = Classifier.create(spec, MNIST, 1, ai.djl.Device.cpu())) {
        long built = model.learnableParameterCount();
        assertEquals(built, TrainingMemory.of(spec, MNIST, 64).parameters(), 0.0, spec.label());
      }
    }
  }

  @Test
  void theQuickstartDenseFitsAGigabyteButNotAMegabyte() {
    ModelSpec dense = new ModelSpec(Architecture.DENSE, List.of(256, 128), 256, 0.3, ActivationKind.RELU,
        Placement.HEAD, 100, 1, 32);
    TrainingMemory m = TrainingMemory.of(dense, MNIST, 64);
    assertNull(m.problem(1L << 30));
    String problem = m.problem(1L << 20);
    // 269,450 parameters x 16 bytes + (2 x 384 + 3 x 256 + 10) activations x 64 examples x 8 bytes
    assertEquals(269_450L * 16 + 1546L * 64 * 8, 5_102_752L);
    assertTrue(problem.startsWith("the network would need at least 4.9 MB (5102752 bytes) to train"), problem);
    assertTrue(problem.endsWith("this machine has 1.0 MB (1048576 bytes) of memory: make the network smaller"),
        problem);
  }

  @Test
  void largeBackbonesScaleWithWidthSquaredAndDepth() {
    TrainingMemory full = TrainingMemory.of(ModelSpec.backbone(Architecture.RESNET101, ActivationKind.RELU, 1, 1),
        new InputShape(3, 32, 32, 10), 32);
    TrainingMemory wide = TrainingMemory.of(ModelSpec.backbone(Architecture.RESNET101, ActivationKind.RELU, 4, 4),
        new InputShape(3, 32, 32, 10), 32);
    assertEquals(42.5e6 * 64, wide.parameters() - (8192.0 * 256 + 256 + 2570), 1.0);
    assertTrue(full.problem(4L << 30) == null, "a published ResNet101 trains in 4 GB");
    assertTrue(wide.problem(16L << 30) != null, "width 4 x depth 4 does not fit 16 GB");
  }
}
