package dev.drelu.testing;

import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import java.util.List;
import java.util.Random;

/**
 * A small, learnable image task for the machinery's tests: 1 x 8 x 8 images where class 0 is
 * bright in the top half and class 1 in the bottom half, plus uniform noise.
 */
public final class ToyData {
  private ToyData() {}

  public static final InputShape SHAPE = new InputShape(1, 8, 8, 2);

  /** @return n images, classes alternating, noise from {@code seed} */
  public static ImageDataset halves(int n, long seed) {
    Random r = new Random(seed);
    float[] pixels = new float[n * 64];
    int[] labels = new int[n];
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      index[i] = i;
      for (int p = 0; p < 64; p++) {
        boolean top = p < 32;
        float base = (top == (labels[i] == 0)) ? 0.6f : 0.1f;
        pixels[i * 64 + p] = Math.min(1f, base + 0.3f * r.nextFloat());
      }
    }
    return new ImageDataset(pixels, labels, index, 1, 8, 8, 2);
  }

  /** A small dense model with the given head activation. */
  public static ModelSpec dense(ActivationKind activation, double capInit) {
    return new ModelSpec(Architecture.DENSE, List.of(16, 16), 8, 0.0, activation, Placement.HEAD,
        capInit, 1.0, 4);
  }

  /** A small shallow CNN. */
  public static ModelSpec cnn(ActivationKind activation, Placement placement) {
    return new ModelSpec(Architecture.SHALLOW_CNN, List.of(4, 8), 8, 0.3, activation, placement,
        2.0, 1.0, 4);
  }
}
