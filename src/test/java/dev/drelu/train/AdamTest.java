package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import dev.drelu.nn.Autograd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * drelu's Adam against Adam written out in doubles (PyTorch's formula with Keras' epsilon): the
 * fused kernel it calls must compute that update, for ordinary weights and caps alike.
 */
class AdamTest {
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-7;

  /** The gradient of sum(c * w) is c, whatever w is: each step's gradient is known exactly. */
  private static final float[] C = {0.5f, -2f, 1e-3f, 3f, -0.25f, 0f};

  @Test
  void weightsAndCapsFollowAdamsFormulaWithTheirOwnLearningRates() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter(manager, "w", 1f);
      Parameter cap = parameter(manager, "cap", 100f);
      double lr = 1e-3;
      double capLr = 0.5;
      int steps = 7;
      try (Adam adam = new Adam(List.of(weight, cap), p -> p == cap, manager)) {
        for (int t = 0; t < steps; t++) {
          backward(manager, weight, cap);
          adam.step(lr, capLr);
        }
        assertEquals(steps, adam.steps());
      }
      assertArrayEquals(reference(1f, lr, steps), weight.getArray().toFloatArray(), 1e-6f);
      assertArrayEquals(reference(100f, capLr, steps), cap.getArray().toFloatArray(), 1e-4f);
    }
  }

  @Test
  void gradientsAreZeroedAfterEachStep() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter(manager, "w", 1f);
      try (Adam adam = new Adam(List.of(weight), p -> false, manager)) {
        backward(manager, weight);
        adam.step(1e-3, 1e-3);
        assertArrayEquals(new float[C.length], weight.getArray().getGradient().toFloatArray());
        // a second backward pass sees only its own gradient, not the last one's as well
        backward(manager, weight);
        assertArrayEquals(C, weight.getArray().getGradient().toFloatArray());
      }
    }
  }

  @Test
  void aRestoredOptimizerContinuesExactlyAsTheOriginal() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter a = parameter(manager, "a", 1f);
      Parameter b = parameter(manager, "b", 1f);
      try (Adam first = new Adam(List.of(a), p -> false, manager);
          Adam second = new Adam(List.of(b), p -> false, manager)) {
        for (int t = 0; t < 3; t++) {
          backward(manager, a);
          first.step(1e-2, 1e-2);
        }
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        first.save(saved);
        second.load(new ByteArrayInputStream(saved.toByteArray()));
        b.getArray().set(a.getArray().toFloatArray());
        for (int t = 0; t < 3; t++) {
          backward(manager, a);
          first.step(1e-2, 1e-2);
          backward(manager, b);
          second.step(1e-2, 1e-2);
        }
        assertEquals(first.steps(), second.steps());
        assertArrayEquals(a.getArray().toFloatArray(), b.getArray().toFloatArray(), 0f);
      }
    }
  }

  /**
   * A weight whose gradient stops (a dropped unit, an always-black pixel) keeps decaying its
   * moments; after 850 steps every first moment here would be a denormal float, which the CPU
   * computes on tens of times slower. The periodic flush keeps them out, and the weights still
   * follow Adam's formula, in which the removed moments count for nothing.
   */
  @Test
  void decayedMomentsNeverBecomeDenormalFloats() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter(manager, "w", 1f);
      int steps = 850;
      try (Adam adam = new Adam(List.of(weight), p -> false, manager)) {
        backward(manager, weight);
        for (int t = 0; t < steps; t++) {
          adam.step(1e-3, 1e-3); // the gradient is C in the first step, zero after
        }
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        adam.save(saved);
        NDList state = NDList.decode(manager, new ByteArrayInputStream(saved.toByteArray()));
        for (NDArray moment : List.of(state.get(1), state.get(2))) {
          for (float value : moment.toFloatArray()) {
            assertTrue(value == 0f || Math.abs(value) >= Float.MIN_NORMAL, "a denormal moment: " + value);
          }
        }
        // without the flush C's first moments would all still be nonzero (0.1 * C * 0.9^850 >= 1e-43)
        assertEquals(0f, state.get(1).abs().max().getFloat());
      }
      float[] expected = new float[C.length];
      for (int i = 0; i < C.length; i++) {
        double w = 1;
        double m = 0;
        double v = 0;
        for (int t = 1; t <= steps; t++) {
          double g = t == 1 ? C[i] : 0;
          m = B1 * m + (1 - B1) * g;
          v = B2 * v + (1 - B2) * g * g;
          w -= 1e-3 / (1 - Math.pow(B1, t)) * m / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(B2, t)) + EPS);
        }
        expected[i] = (float) w;
      }
      assertArrayEquals(expected, weight.getArray().toFloatArray(), 1e-5f);
    }
  }

  /** PyTorch's Adam in doubles: the value of every weight after {@code steps} steps with gradient C. */
  private static float[] reference(float start, double lr, int steps) {
    float[] out = new float[C.length];
    for (int i = 0; i < C.length; i++) {
      double w = start;
      double m = 0;
      double v = 0;
      for (int t = 1; t <= steps; t++) {
        m = B1 * m + (1 - B1) * C[i];
        v = B2 * v + (1 - B2) * C[i] * C[i];
        double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
        w -= lr / (1 - Math.pow(B1, t)) * m / denom;
      }
      out[i] = (float) w;
    }
    return out;
  }

  private static Parameter parameter(NDManager manager, String name, float value) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(C.length))
        .build();
    p.setInitializer(new ConstantInitializer(value));
    p.initialize(manager, DataType.FLOAT32);
    return p;
  }

  /** Adds C to the gradient of each parameter (the backward pass of sum(C * w)). */
  private static void backward(NDManager manager, Parameter... parameters) {
    try (NDManager step = manager.newSubManager(); Autograd autograd = Autograd.record()) {
      NDArray c = step.create(C);
      NDArray loss = null;
      for (Parameter p : parameters) {
        NDArray term = c.mul(p.getArray()).sum();
        loss = loss == null ? term : loss.add(term);
      }
      autograd.backward(loss);
    }
  }
}
