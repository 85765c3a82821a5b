package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Both Lipschitz estimates on a linear model, whose constant is known: its largest singular value. */
class LipschitzEstimateTest {
  private static final InputShape SHAPE = new InputShape(1, 2, 2, 3);
  private static final int[] INDICES = {0, 7, 42};

  /**
   * W = S V^T with singular values 3, 2, 1 and V = H/2 (H the 4 x 4 Hadamard matrix): the top
   * input direction is (1, 1, 1, 1)/2, a corner of the Linf ball, so both balls reach 3.
   */
  private static float[] weights(float scale) {
    float[][] h = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}};
    float[] singular = {3, 2, 1};
    float[] w = new float[12];
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 4; j++) {
        w[k * 4 + j] = scale * singular[k] * h[k][j] / 2;
      }
    }
    return w;
  }

  private static LipschitzEstimate.Result estimate(float scale, Norm norm) {
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(3).build());
    try (Classifier linear = Classifier.fromBlock(block, SHAPE, Device.cpu());
        NDManager m = linear.manager().newSubManager()) {
      for (Pair<String, Parameter> p : block.getParameters()) {
        p.getValue().getArray().set(FloatBuffer.wrap(p.getValue().getType() == Parameter.Type.WEIGHT
            ? weights(scale) : new float[] {0.3f, -0.2f, 0.1f}));
      }
      NDArray x = m.full(new Shape(INDICES.length, 1, 2, 2), 0.5f);
      return LipschitzEstimate.of(linear, x, INDICES,
          LipschitzEstimate.Params.defaults(new ThreatModel(norm, 0.1)));
    }
  }

  @Test
  void bothEstimatesOfALinearModelReachItsLargestSingularValueAndNeverExceedIt() {
    for (Norm norm : Norm.values()) {
      LipschitzEstimate.Result r = estimate(1, norm);
      for (int i = 0; i < INDICES.length; i++) {
        assertEquals(3.0, r.searched()[i], 0.01, norm + " searched, example " + i);
        assertEquals(3.0, r.sampled()[i], 0.01, norm + " sampled, example " + i);
        assertTrue(r.searched()[i] <= 3.0 + 1e-3 && r.sampled()[i] <= 3.0 + 1e-3, "a lower bound of the constant");
      }
      assertEquals(3.0, r.maxSearched(), 0.01);
    }
  }

  @Test
  void scalingTheModelScalesBothEstimates() {
    LipschitzEstimate.Result r = estimate(0.25f, Norm.L2);
    assertEquals(0.75, r.maxSearched(), 0.0025);
    assertEquals(0.75, r.maxSampled(), 0.0025);
  }

  @Test
  void aBallOfRadiusZeroHasNoEstimate() {
    assertThrows(IllegalArgumentException.class,
        () -> LipschitzEstimate.Params.defaults(new ThreatModel(Norm.LINF, 0)));
  }
}
