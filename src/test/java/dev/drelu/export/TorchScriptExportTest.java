package dev.drelu.export;

import static dev.drelu.export.ExportFixtures.FIXED_CAP;
import static dev.drelu.export.ExportFixtures.assertExportGivesTheSameLogits;
import static dev.drelu.export.ExportFixtures.images;
import static dev.drelu.export.ExportFixtures.logits;
import static dev.drelu.export.ExportFixtures.moveCaps;
import static dev.drelu.export.ExportFixtures.writeCard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * drelu's Dense and Shallow CNN networks written as TorchScript: libtorch's own loader reads the
 * file and gives drelu's logits on random images, with the caps where training would have moved
 * them; the same model gives the same bytes; what cannot be exported says so in one line. (The
 * backbones: {@link BackboneExportTest}.)
 */
class TorchScriptExportTest {
  private static final InputShape DIGITS = new InputShape(1, 10, 10, 10);
  private static final InputShape COLOUR = new InputShape(3, 8, 8, 5);

  private static ModelSpec dense(ActivationKind a) {
    return new ModelSpec(Architecture.DENSE, List.of(24, 16), 12, 0.3, a, Placement.HEAD, 100, FIXED_CAP, 32);
  }

  private static ModelSpec cnn(ActivationKind a, Placement p) {
    return new ModelSpec(Architecture.SHALLOW_CNN, List.of(4, 6), 8, 0.3, a, p, 100, FIXED_CAP, 3);
  }

  /** The same weights with every cap at its initial 100, or with plain ReLU for S-ReLU. */
  private static float[] logitsWithoutBindingCaps(ModelSpec spec, InputShape input, float[] x) {
    ModelSpec free = spec.activation() == ActivationKind.SRELU ? spec.withActivation(ActivationKind.RELU) : spec;
    try (Classifier model = Classifier.create(free, input, 3, Device.cpu())) {
      return logits(model, x);
    }
  }

  private static void exportAndCompare(ModelSpec spec, InputShape input, Path dir) throws Exception {
    try (Classifier model = Classifier.create(spec, input, 3, Device.cpu())) {
      moveCaps(model);
      if (spec.activation() != ActivationKind.RELU) {
        // the caps must change the logits, or a file without them would pass as well
        float[] x = images(input, 5);
        float[] capped = logits(model, x);
        float[] free = logitsWithoutBindingCaps(spec, input, x);
        double largest = 0;
        for (int i = 0; i < capped.length; i++) {
          largest = Math.max(largest, Math.abs(capped[i] - free[i]));
        }
        assertTrue(largest > 1e-3, spec.label() + ": the caps bind (logits move by " + largest + ")");
      }
      assertExportGivesTheSameLogits(model, dir);
    }
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void aDenseNetworkExportsWithTheLogitsDreluComputes(ActivationKind activation, @TempDir Path dir)
      throws Exception {
    exportAndCompare(dense(activation), DIGITS, dir);
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void aShallowCnnWithACappedHeadExportsWithTheLogitsDreluComputes(ActivationKind activation, @TempDir Path dir)
      throws Exception {
    exportAndCompare(cnn(activation, Placement.HEAD), COLOUR, dir);
  }

  @ParameterizedTest
  @EnumSource(value = ActivationKind.class, names = {"DRELU", "SRELU"})
  void aShallowCnnWithACappedInputConvolutionExportsWithTheLogitsDreluComputes(ActivationKind activation,
      @TempDir Path dir) throws Exception {
    exportAndCompare(cnn(activation, Placement.INPUT_CONV), COLOUR, dir);
  }

  @Test
  void theFileNamesEveryLayerAndKeepsTheCapsAsAParameter() throws Exception {
    try (Classifier model = Classifier.create(cnn(ActivationKind.DRELU, Placement.INPUT_CONV), COLOUR, 3,
        Device.cpu())) {
      moveCaps(model);
      TorchScriptArchive.Module root = TorchScriptExport.module(model);
      assertEquals("__torch__.drelu.ShallowCnn", root.qualifiedClass());
      assertEquals(List.of("conv1", "drelu1", "conv2", "conv3", "fc1", "fc2"), List.copyOf(root.children().keySet()));
      TorchScriptArchive.Module drelu = root.children().get("drelu1");
      assertEquals("__torch__.drelu.nn.DReLU2d", drelu.qualifiedClass(), "per channel after a conv");
      assertArrayEquals(model.cappedLayers().get(0).capParameter().getArray().toFloatArray(),
          drelu.parameters().get("cap").values(), "the learned caps, not their initial value");
      assertTrue(root.forwardBody().stream().anyMatch(l -> l.contains("torch.dropout(") && l.contains("self.training")),
          "dropout is kept, and off in evaluation mode: " + root.forwardBody());
    }
  }

  @Test
  void theSameModelExportedTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
    Path first = Files.createDirectories(dir.resolve("first")).resolve("model.pt");
    Path second = Files.createDirectories(dir.resolve("second")).resolve("model.pt");
    try (Classifier model = Classifier.create(dense(ActivationKind.DRELU), DIGITS, 3, Device.cpu())) {
      moveCaps(model);
      String a = TorchScriptExport.write(model, first).sha256();
      String b = TorchScriptExport.write(model, second).sha256();
      assertEquals(a, b);
      assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
      // and another model gives other bytes: the hash names the weights
      model.cappedLayers().get(0).capParameter().getArray().set(FloatBuffer.wrap(new float[12]));
      assertFalse(a.equals(TorchScriptExport.write(model, second).sha256()));
    }
  }

  @Test
  void theExportsOwnCheckRefusesAFileWhoseLogitsDiffer(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("other.pt");
    try (Classifier model = Classifier.create(dense(ActivationKind.DRELU), DIGITS, 3, Device.cpu());
        Classifier twin = Classifier.create(dense(ActivationKind.DRELU), DIGITS, 4, Device.cpu())) {
      TorchScriptExport.write(twin, other);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ExportCheck.largestLogitDifference(model, other));
      assertTrue(e.getMessage().startsWith("export check failed for dense/drelu: the TorchScript logits differ from"
          + " drelu's by "), e.getMessage());
    }
  }

  @Test
  void aTrainArtifactFolderExportsWithTheLogitsOfItsParameters(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("train-artifact"));
    ModelSpec spec = cnn(ActivationKind.DRELU, Placement.HEAD);
    float[] x = images(COLOUR, 8);
    float[] expected;
    try (Classifier model = Classifier.create(spec, COLOUR, 3, Device.cpu())) {
      moveCaps(model);
      model.save(folder.resolve(TorchScriptExport.PARAMS));
      expected = logits(model, x);
    }
    writeCard(folder, spec);
    Path file = Files.createDirectories(dir.resolve("out")).resolve("cnn.pt");
    TorchScriptExport.write(folder, file);
    assertTrue(TorchScriptFile.archiveProblem(file) == null);
    try (Classifier loaded = TorchScriptClassifier.load(file, COLOUR, Device.cpu())) {
      assertArrayEquals(expected, logits(loaded, x), 1e-5f);
    }
  }

  @Test
  void inceptionIsRefusedInOneLineNamingWhatCanBeExported(@TempDir Path dir) throws Exception {
    writeCard(dir, ModelSpec.backbone(Architecture.INCEPTIONV3, ActivationKind.DRELU, 1, 1));
    Path out = dir.resolve("model.pt");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptExport.write(dir, out));
    assertEquals("inceptionv3 models cannot be exported to TorchScript yet; only dense, shallow-cnn, resnet50,"
        + " resnet101 and mobilenetv2 models can", e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void anOutputFolderThatDoesNotExistIsNamed(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("missing/model.pt");
    try (Classifier model = Classifier.create(dense(ActivationKind.RELU), DIGITS, 3, Device.cpu())) {
      java.io.IOException e = assertThrows(java.io.IOException.class, () -> TorchScriptExport.write(model, out));
      assertEquals(out + ": cannot write there, the folder " + dir.resolve("missing") + " does not exist",
          e.getMessage());
    }
  }

  @Test
  void aNetworkWithoutASpecIsRefused(@TempDir Path dir) {
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(10).build());
    try (Classifier model = Classifier.fromBlock(block, DIGITS, Device.cpu())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TorchScriptExport.write(model, dir.resolve("m.pt")));
      assertTrue(e.getMessage().startsWith("only a network drelu built from a model spec can be exported"),
          e.getMessage());
    }
  }

  @Test
  void aFolderWithoutATrainedModelIsAClearError(@TempDir Path dir) throws Exception {
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> TorchScriptExport.write(dir, dir.resolve("m.pt")));
    assertEquals(dir + ": no model.json; give the folder of a trained model (a train artifact)", e.getMessage());

    Files.writeString(dir.resolve(TorchScriptExport.CARD), "{\"model\": [");
    java.io.IOException garbled = assertThrows(java.io.IOException.class,
        () -> TorchScriptExport.write(dir, dir.resolve("m.pt")));
    assertTrue(garbled.getMessage().startsWith(dir.resolve("model.json") + ": not a model card ("),
        garbled.getMessage());

    ModelCard external = ModelCard.external("ext", new TorchScriptFile("x.pt", "0".repeat(64)), DIGITS, "cpu");
    Json.CANONICAL.writeValue(dir.resolve(TorchScriptExport.CARD).toFile(), external);
    IllegalArgumentException imported = assertThrows(IllegalArgumentException.class,
        () -> TorchScriptExport.write(dir, dir.resolve("m.pt")));
    assertEquals(dir + ": holds an imported TorchScript model, not one drelu trained; its model.pt already is the"
        + " TorchScript file", imported.getMessage());
  }
}
