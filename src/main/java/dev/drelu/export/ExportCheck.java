package dev.drelu.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.TorchScriptClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * The export's own proof: libtorch loads the written file (through the same reader drelu uses for
 * external models) and its logits on a probe batch are compared with drelu's forward pass.
 */
final class ExportCheck {
  /** Images in the probe batch. */
  static final int PROBE_IMAGES = 8;

  /**
   * Largest accepted difference, relative to the logits' scale (at least 1): both sides run the
   * same libtorch kernels in float32, so anything beyond rounding is a translation error.
   */
  static final double TOLERANCE = 1e-5;

  private ExportCheck() {}

  /**
   * @param file the TorchScript file written for {@code model}
   * @return the largest absolute logit difference on the probe batch
   * @throws IOException if libtorch cannot load or run the file (the message names it)
   * @throws IllegalStateException if the logits differ by more than {@link #TOLERANCE}
   */
  static double largestLogitDifference(Classifier model, Path file) throws IOException {
    InputShape in = model.input();
    Shape shape = new Shape(PROBE_IMAGES, in.channels(), in.height(), in.width());
    // uniform images from a seeded Java stream: PyTorch's generator would move later torch draws
    Random random = new Random(1);
    float[] pixels = new float[(int) shape.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    try (Classifier exported = TorchScriptClassifier.load(file, in, model.manager().getDevice());
        NDManager batch = model.manager().newSubManager();
        Autograd off = Autograd.off()) {
      NDArray x = batch.create(pixels, shape);
      float[] expected = model.forward(x, false).toFloatArray();
      float[] got = exported.forward(x, false).toFloatArray();
      double largest = 0;
      double scale = 1;
      for (int i = 0; i < expected.length; i++) {
        largest = Math.max(largest, Math.abs((double) expected[i] - got[i]));
        scale = Math.max(scale, Math.abs(expected[i]));
      }
      if (!(largest <= TOLERANCE * scale)) {
        throw new IllegalStateException("export check failed for " + model.spec().label() + ": the TorchScript"
            + " logits differ from drelu's by " + largest + " (more than " + TOLERANCE * scale + ") on a probe batch;"
            + " the file was not kept");
      }
      return largest;
    }
  }
}
