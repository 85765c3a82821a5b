package dev.drelu.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.core.Sha256;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.CapSummary;
import dev.drelu.nn.CappedRelu;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** What the export tests share: caps moved where they matter, random images, the logit comparison. */
final class ExportFixtures {
  static final int IMAGES = 6;

  /** S-ReLU's fixed cap: low enough that the units reach it. */
  static final double FIXED_CAP = 0.1;

  private ExportFixtures() {}

  /**
   * Moves every D-ReLU cap from its initial 100 to where it matters: spread over [-0.1, 0.4], so
   * some are negative (the cap in use is then max(m, 0) = 0) and most sit below the units' values.
   */
  static void moveCaps(Classifier model) {
    Random r = new Random(11);
    for (CappedRelu layer : model.cappedLayers()) {
      if (layer.isDynamic()) {
        float[] caps = new float[layer.units()];
        for (int i = 0; i < caps.length; i++) {
          caps[i] = (float) (r.nextDouble() * 0.5 - 0.1);
        }
        caps[0] = -0.05f;
        layer.capParameter().getArray().set(FloatBuffer.wrap(caps));
      }
    }
  }

  static float[] images(InputShape s, long seed) {
    Random r = new Random(seed);
    float[] x = new float[IMAGES * s.channels() * s.height() * s.width()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  static float[] logits(Classifier model, float[] x) {
    InputShape s = model.input();
    try (NDManager m = model.manager().newSubManager(); Autograd off = Autograd.off()) {
      NDArray out = model.forward(m.create(x, new Shape(IMAGES, s.channels(), s.height(), s.width())), false);
      assertEquals(new Shape(IMAGES, s.numClasses()), out.getShape());
      return out.toFloatArray();
    }
  }

  /**
   * Exports the model, loads the file with libtorch (drelu's TorchScript reader) and compares
   * every logit on random images with drelu's forward pass.
   */
  static void assertExportGivesTheSameLogits(Classifier model, Path dir) throws Exception {
    Path file = dir.resolve("model.pt");
    TorchScriptExport.Exported exported = TorchScriptExport.write(model, file);
    assertEquals(Sha256.of(file), exported.sha256());
    assertTrue(exported.largestLogitDifference() <= 1e-5, "the export's own check: " + exported);
    float[] x = images(model.input(), 5);
    float[] expected = logits(model, x);
    try (Classifier loaded = TorchScriptClassifier.load(file, model.input(), Device.cpu())) {
      float[] got = logits(loaded, x);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], got[i], 1e-5, model.spec().label() + " logit " + i);
      }
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(file), left.toList(), "no temporary file is left beside the export");
    }
  }

  static void writeCard(Path folder, ModelSpec spec) throws IOException {
    InputShape input = spec.architecture().isLargeBackbone() ? new InputShape(3, 32, 32, 10) : new InputShape(3, 8, 8, 5);
    ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, "m", spec, input, null, 1, 1, false, 0.5,
        CapSummary.of(List.of()), "cpu");
    Json.CANONICAL.writeValue(folder.resolve(TorchScriptExport.CARD).toFile(), card);
  }

}
