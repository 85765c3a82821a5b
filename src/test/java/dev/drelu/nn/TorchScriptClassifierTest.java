package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.export.TorchScriptArchive;
import dev.drelu.testing.ScriptedNets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External TorchScript classifiers: files written by drelu's TorchScript writer load in
 * libtorch, compute what the same weights compute in plain Java, give input gradients in evaluation
 * mode, and every file that does not fit fails at load time with a message naming it.
 */
class TorchScriptClassifierTest {
  private static final InputShape TOY = new InputShape(1, 8, 8, 2);

  private static float[] images(int n, InputShape s, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * s.channels() * s.height() * s.width()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  /** Runs the model on n images and compares every logit with the Java forward pass. */
  private static void assertSameLogits(Classifier model, java.util.function.Function<float[], double[]> reference,
      InputShape s, int n) {
    int size = s.channels() * s.height() * s.width();
    float[] x = images(n, s, 9);
    try (NDManager m = model.manager().newSubManager(); Autograd off = Autograd.off()) {
      NDArray logits = model.forward(m.create(x, new Shape(n, s.channels(), s.height(), s.width())), false);
      assertEquals(new Shape(n, s.numClasses()), logits.getShape());
      float[] got = logits.toFloatArray();
      for (int i = 0; i < n; i++) {
        float[] image = java.util.Arrays.copyOfRange(x, i * size, (i + 1) * size);
        double[] expected = reference.apply(image);
        for (int k = 0; k < s.numClasses(); k++) {
          assertEquals(expected[k], got[i * s.numClasses() + k], 1e-5, "image " + i + " logit " + k);
        }
      }
    }
  }

  @Test
  void anMlpFileGivesTheLogitsItsWeightsDefine(@TempDir Path dir) throws Exception {
    ScriptedNets.Mlp mlp = ScriptedNets.Mlp.random(3, 64, 16, 16, 8, 2);
    Path file = dir.resolve("mlp.pt");
    mlp.write(file);
    assertNull(TorchScriptFile.archiveProblem(file), "the archive has TorchScript's layout");
    try (Classifier model = TorchScriptClassifier.load(file, TOY, Device.cpu())) {
      assertSameLogits(model, mlp::logits, TOY, 5);
      assertTrue(model.cappedLayers().isEmpty());
      assertEquals(0, model.capSummary().count(), "an external model has no caps");
    }
  }

  @Test
  void aConvNetFileGivesTheLogitsItsWeightsDefine(@TempDir Path dir) throws Exception {
    InputShape shape = new InputShape(2, 7, 6, 3);
    ScriptedNets.ConvNet net = ScriptedNets.ConvNet.random(4, 2, 7, 6, 3, 3);
    Path file = dir.resolve("conv.pt");
    net.write(file);
    try (Classifier model = TorchScriptClassifier.load(file, shape, Device.cpu())) {
      assertSameLogits(model, net::logits, shape, 4);
    }
  }

  @Test
  void theModuleRunsInEvaluationModeAndStillGivesInputGradients(@TempDir Path dir) throws Exception {
    // saved in training mode: dropout at 0.9 would change almost every logit unless drelu evaluates it
    ScriptedNets.Mlp mlp = ScriptedNets.Mlp.random(5, 64, 16, 2).withDropout(0.9);
    Path file = dir.resolve("dropout.pt");
    mlp.writeInTrainingMode(file);
    try (Classifier model = TorchScriptClassifier.load(file, TOY, Device.cpu())) {
      assertSameLogits(model, mlp::logits, TOY, 3);
      try (NDManager m = model.manager().newSubManager(); Autograd record = Autograd.record()) {
        NDArray x = m.create(images(3, TOY, 1), new Shape(3, 1, 8, 8)).duplicate(); // as InputGradient does
        x.setRequiresGradient(true);
        record.backward(model.forward(x, false).get(":, 0").sum());
        float[] g = x.getGradient().toFloatArray();
        // d logit0 / d x for a one-hidden-layer ReLU net: sum over active units of w2[0][j] * w1[j]
        float[] image = java.util.Arrays.copyOfRange(images(3, TOY, 1), 0, 64);
        double[] expected = inputGradientOfFirstLogit(mlp, image);
        for (int p = 0; p < 64; p++) {
          assertEquals(expected[p], g[p], 1e-5, "pixel " + p);
        }
      }
      assertThrows(UnsupportedOperationException.class, () -> {
        try (NDManager m = model.manager().newSubManager()) {
          model.forward(m.ones(new Shape(1, 1, 8, 8)), true);
        }
      }, "an external model is never trained");
    }
  }

  private static double[] inputGradientOfFirstLogit(ScriptedNets.Mlp mlp, float[] image) {
    ScriptedNets.Dense first = mlp.layers().get(0);
    ScriptedNets.Dense last = mlp.layers().get(1);
    double[] g = new double[first.in()];
    for (int j = 0; j < first.out(); j++) {
      double pre = first.bias()[j];
      for (int i = 0; i < first.in(); i++) {
        pre += (double) first.weight()[j * first.in() + i] * image[i];
      }
      if (pre > 0) {
        for (int i = 0; i < first.in(); i++) {
          g[i] += (double) last.weight()[j] * first.weight()[j * first.in() + i];
        }
      }
    }
    return g;
  }

  @Test
  void theSameModuleAlwaysGivesTheSameBytes(@TempDir Path dir) throws Exception {
    ScriptedNets.Mlp mlp = ScriptedNets.Mlp.random(3, 64, 4, 2);
    mlp.write(dir.resolve("a.pt"));
    mlp.write(dir.resolve("b.pt"));
    // the archive folder is named after the file, as torch.jit.save names it; so compare one name
    mlp.write(Files.createDirectories(dir.resolve("again")).resolve("a.pt"));
    assertEquals(TorchScriptFile.of(dir.resolve("a.pt")).sha256(),
        TorchScriptFile.of(dir.resolve("again/a.pt")).sha256(), "a fixed layout: the cache key of a file is stable");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere.pt");
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(missing, TOY, Device.cpu()));
    assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
  }

  @Test
  void aCorruptFileIsAClearErrorNotACrash(@TempDir Path dir) throws Exception {
    Path garbage = dir.resolve("garbage.pt");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    Path weightsOnly = dir.resolve("state_dict.pt");
    Files.write(weightsOnly, new byte[] {(byte) 0x80, 2, 'K', 1, '.'}); // torch.save's legacy pickle
    Path truncated = dir.resolve("truncated.pt");
    ScriptedNets.Mlp.random(1, 64, 4, 2).write(truncated);
    byte[] whole = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    for (Path file : List.of(garbage, weightsOnly, truncated)) {
      IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
      assertTrue(e.getMessage().startsWith(file + ": libtorch cannot load it as TorchScript ("), e.getMessage());
      assertTrue(e.getMessage().contains("torch.jit.save"), e.getMessage());
      assertNull(e.getCause(), "the CLI prints the root cause: it must be this line, not libtorch's traceback");
      assertTrue(TorchScriptFile.archiveProblem(file).startsWith("is not a TorchScript archive"), file.toString());
    }
  }

  @Test
  void anArchiveWhoseCodeDoesNotCompileIsAClearError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.pt");
    TorchScriptArchive.write(file, new TorchScriptArchive.Module("__torch__.drelu_fixture.Broken", Map.of(), Map.of(),
        List.of("return torch.no_such_operator(input)")));
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
    assertTrue(e.getMessage().startsWith(file + ": libtorch cannot load it as TorchScript ("), e.getMessage());
  }

  @Test
  void aZipThatIsNotTorchScriptIsCaughtByTheCheapCheck(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("other.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("other/readme.txt"));
      zip.write("hello".getBytes());
      zip.closeEntry();
    }
    assertEquals("is not a TorchScript archive (no data.pkl, version, code/ in other/); save the module with"
        + " torch.jit.save", TorchScriptFile.archiveProblem(file));
  }

  @Test
  void aModelForAnotherClassCountIsRefusedWithBothCounts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.pt");
    ScriptedNets.Mlp.random(1, 64, 8, 100).write(file);
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
    assertEquals(file + ": output shape (2, 100) but the dataset has 2 classes", e.getMessage());
  }

  @Test
  void aModelForAnotherImageSizeIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mnist.pt");
    ScriptedNets.Mlp.random(1, 784, 8, 2).write(file);
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
    assertTrue(e.getMessage().startsWith(file + ": does not accept a batch of 2x1x8x8 float32 images in [0, 1]"
        + " (N, C, H, W) (libtorch: "), e.getMessage());
  }

  @Test
  void aModelThatDropsTheBatchDimensionIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("summed.pt");
    ScriptedNets.Dense d = new ScriptedNets.Dense(64, 2, new float[128], new float[2]);
    TorchScriptArchive.Module fc = d.module();
    TorchScriptArchive.write(file, new TorchScriptArchive.Module("__torch__.drelu_fixture.Summed", Map.of(),
        Map.of("fc", fc), List.of("_0 = (self.fc).forward(torch.flatten(input, 1), )", "return torch.sum(_0, [0])")));
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
    assertEquals(file + ": output shape (2) for a batch of 2x1x8x8 float32 images in [0, 1] (N, C, H, W), but drelu"
        + " needs (2, 2): one row of 2 logits per image", e.getMessage());
  }

  @Test
  void aModelWithoutInputGradientsIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("detached.pt");
    ScriptedNets.Dense d = ScriptedNets.Mlp.random(2, 64, 2).layers().get(0);
    TorchScriptArchive.write(file, new TorchScriptArchive.Module("__torch__.drelu_fixture.Detached", Map.of(),
        Map.of("fc", d.module()), List.of("_0 = (self.fc).forward(torch.flatten(input, 1), )",
            "return torch.detach(_0)")));
    IOException e = assertThrows(IOException.class, () -> TorchScriptClassifier.load(file, TOY, Device.cpu()));
    assertTrue(e.getMessage().startsWith(file + ": its logits have no gradient with respect to the input"),
        e.getMessage());
  }
}
