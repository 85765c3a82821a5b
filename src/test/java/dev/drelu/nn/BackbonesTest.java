package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.drelu.data.ImageDataset;
import dev.drelu.store.Json;
import dev.drelu.testing.Slow;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The large backbones (ResNet50/101, MobileNetV2, InceptionV3): shapes, sizes, BatchNorm, checkpoints. */
@Slow
class BackbonesTest {
  private static final InputShape CIFAR = new InputShape(3, 32, 32, 10);
  private static final InputShape TINY_IMAGENET = new InputShape(3, 64, 64, 200);
  private static final List<Architecture> LARGE =
      List.of(Architecture.RESNET50, Architecture.RESNET101, Architecture.MOBILENETV2, Architecture.INCEPTIONV3);

  /** Small enough for a 2-core CPU: 1/16 of the channels, one block per stage. */
  private static ModelSpec tiny(Architecture a, ActivationKind act) {
    return ModelSpec.backbone(a, act, 0.0625, 0.1);
  }

  @Test
  void everyScaledBackboneGivesLogitsFor32And64PixelInputs() {
    for (Architecture a : LARGE) {
      for (InputShape input : List.of(CIFAR, TINY_IMAGENET)) {
        try (Classifier c = Classifier.create(tiny(a, ActivationKind.DRELU), input, 1, Device.cpu());
            NDManager m = c.manager().newSubManager()) {
          NDArray x = m.randomUniform(0, 1, new Shape(3, 3, input.height(), input.width()));
          assertEquals(new Shape(3, input.numClasses()), c.forward(x, false).getShape(), a + " " + input);
          assertEquals(new Shape(3, input.numClasses()), c.forward(x, true).getShape(), a + " " + input);
        }
      }
    }
  }

  @Test
  void aDreluHeadHas256CapsAndAReluHeadNone() {
    for (Architecture a : LARGE) {
      try (Classifier drelu = Classifier.create(tiny(a, ActivationKind.DRELU), CIFAR, 1, Device.cpu());
          Classifier relu = Classifier.create(tiny(a, ActivationKind.RELU), CIFAR, 1, Device.cpu())) {
        assertEquals(1, drelu.cappedLayers().size(), a.key());
        assertEquals(256, drelu.capSummary().count(), a.key());
        assertEquals(100.0, drelu.capSummary().mean(), 1e-6, a.key());
        assertEquals(0, relu.cappedLayers().size(), a.key());
      }
    }
  }

  @Test
  void theInputConvPlacementWorksOnALargeBackbone() {
    ModelSpec s = new ModelSpec(Architecture.RESNET50, List.of(), 16, 0.3, ActivationKind.DRELU,
        Placement.INPUT_CONV, 100, 1, 8, 0.0625, 0.1, null, null);
    try (Classifier c = Classifier.create(s, CIFAR, 1, Device.cpu()); NDManager m = c.manager().newSubManager()) {
      assertEquals(new Shape(2, 10), c.forward(m.ones(new Shape(2, 3, 32, 32)), false).getShape());
      assertEquals(8, c.capSummary().count(), "one cap per input-conv channel");
    }
  }

  /**
   * Full-size networks: the backbone's learnable parameter count is close to the published one
   * (Keras / torchvision without the classifier), and one forward pass at batch 1 gives logits.
   */
  @Test
  void fullSizeBackbonesHaveThePublishedParameterCounts() {
    // the references: ResNet-50 23.5M, ResNet-101 42.5M, MobileNetV2 2.22M, InceptionV3 21.77M (Keras,
    // trainable, include_top=False); the 3x3 stem makes the ResNets ~8k smaller than with 7x7
    Map<Architecture, Double> reference = Map.of(Architecture.RESNET50, 23.51e6, Architecture.RESNET101, 42.50e6,
        Architecture.MOBILENETV2, 2.224e6, Architecture.INCEPTIONV3, 21.77e6);
    for (Architecture a : LARGE) {
      ModelSpec s = ModelSpec.backbone(a, ActivationKind.DRELU, 1.0, 1.0);
      long learnable;
      long stored;
      try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
        Block backbone = ModelFactory.backbone(s, CIFAR);
        backbone.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        learnable = 0;
        stored = 0;
        for (Pair<String, Parameter> p : backbone.getParameters()) {
          long n = p.getValue().getArray().size();
          stored += n;
          if (p.getValue().requiresGradient()) {
            learnable += n;
          }
        }
      }
      System.out.printf("%s backbone: %,d learnable parameters (%,d with BatchNorm running stats)%n",
          a.key(), learnable, stored);
      double ref = reference.get(a);
      assertTrue(Math.abs(learnable - ref) / ref < 0.01, a.key() + ": " + learnable + " vs about " + ref);
      InputShape input = a == Architecture.MOBILENETV2 ? TINY_IMAGENET : CIFAR;
      try (Classifier c = Classifier.create(s, input, 1, Device.cpu()); NDManager m = c.manager().newSubManager()) {
        long start = System.nanoTime();
        NDArray logits = c.forward(m.randomUniform(0, 1, new Shape(1, 3, input.height(), input.width())), false);
        System.out.printf("%s full size, %dx%d, batch 1: forward %.0f ms%n", a.key(), input.height(), input.width(),
            (System.nanoTime() - start) / 1e6);
        assertEquals(new Shape(1, input.numClasses()), logits.getShape());
        // head: max-pooled features -> 256 -> classes, on top of the backbone
        assertTrue(c.learnableParameterCount() > learnable, a.key());
      }
    }
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInEvaluation() {
    ModelSpec s = tiny(Architecture.RESNET50, ActivationKind.RELU).withScale(0.0625, 0.1);
    try (Classifier c = Classifier.create(s, CIFAR, 1, Device.cpu()); NDManager m = c.manager().newSubManager()) {
      Parameter runningMean = find(c, Parameter.Type.RUNNING_MEAN);
      Parameter runningVar = find(c, Parameter.Type.RUNNING_VAR);
      Parameter gamma = find(c, Parameter.Type.GAMMA);
      assertTrue(runningMean.getArray().eq(0).all().getBoolean(), "running mean starts at 0");
      assertTrue(runningVar.getArray().eq(1).all().getBoolean(), "running variance starts at 1");
      assertTrue(gamma.getArray().eq(1).all().getBoolean(), "gamma starts at 1");
      assertFalse(c.parameters().contains(runningMean), "running statistics are not learnable");
      assertTrue(c.parameters().contains(gamma));

      NDArray x = m.randomUniform(0, 1, new Shape(4, 3, 32, 32));
      float[] eval1 = c.forward(x, false).toFloatArray();
      assertTrue(runningMean.getArray().eq(0).all().getBoolean(), "evaluation does not touch the running mean");
      float[] train = c.forward(x, true).toFloatArray();
      assertFalse(java.util.Arrays.equals(eval1, train), "training mode normalises with the batch's statistics");
      assertFalse(runningMean.getArray().eq(0).all().getBoolean(), "a training forward pass updates the running mean");
      float[] eval2 = c.forward(x, false).toFloatArray();
      assertFalse(java.util.Arrays.equals(eval1, eval2), "evaluation uses the updated running statistics");
      assertArrayEquals(eval2, c.forward(x, false).toFloatArray(), "evaluation is deterministic");
    }
  }

  @Test
  void aCheckpointRoundTripsIntoCreateFrom(@TempDir Path dir) throws IOException {
    ModelSpec s = tiny(Architecture.MOBILENETV2, ActivationKind.DRELU);
    Path file = dir.resolve("model.params");
    try (Classifier a = Classifier.create(s, CIFAR, 5, Device.cpu()); NDManager m = a.manager().newSubManager()) {
      NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
      a.forward(x, true); // moves the running statistics away from 0 / 1, so they must round-trip too
      a.save(file);
      float[] expected = a.forward(x, false).toFloatArray();
      try (Classifier b = Classifier.createFrom(s, CIFAR, file, Device.cpu());
          Classifier viaSpec = Classifier.create(s.withInitFrom(file.toString(), Classifier.checkpointSha256(file)),
              CIFAR, 99, Device.cpu())) {
        NDArray xb = x.toDevice(Device.cpu(), true);
        assertArrayEquals(expected, b.forward(xb, false).toFloatArray(), 1e-6f);
        assertArrayEquals(expected, viaSpec.forward(xb, false).toFloatArray(), 1e-6f, "init-from in the spec");
      }
    }
  }

  @Test
  void aCheckpointOfAnotherShapeFailsNamingTheParameterAndBothShapes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.params");
    try (Classifier a = Classifier.create(tiny(Architecture.RESNET50, ActivationKind.RELU), CIFAR, 5, Device.cpu())) {
      a.save(file);
    }
    ModelSpec wider = tiny(Architecture.RESNET50, ActivationKind.RELU).withScale(0.25, 0.1);
    IOException e = assertThrows(IOException.class, () -> Classifier.createFrom(wider, CIFAR, file, Device.cpu()));
    assertTrue(e.getMessage().contains("parameter ") && e.getMessage().contains("(8, 3, 3, 3)")
        && e.getMessage().contains("(16, 3, 3, 3)"), e.getMessage());

    InputShape moreClasses = new InputShape(3, 32, 32, 100);
    IOException classes = assertThrows(IOException.class,
        () -> Classifier.createFrom(tiny(Architecture.RESNET50, ActivationKind.RELU), moreClasses, file, Device.cpu()));
    assertTrue(classes.getMessage().contains("(10, 256)") && classes.getMessage().contains("(100, 256)"),
        classes.getMessage());

    IOException other = assertThrows(IOException.class,
        () -> Classifier.createFrom(tiny(Architecture.MOBILENETV2, ActivationKind.RELU), CIFAR, file, Device.cpu()));
    assertTrue(other.getMessage().contains("model.params") && other.getMessage().contains("different"),
        other.getMessage());
    System.out.println("mismatch messages:\n  " + e.getMessage() + "\n  " + other.getMessage());

    IOException missing = assertThrows(IOException.class, () -> Classifier.createFrom(wider, CIFAR,
        dir.resolve("nope.params"), Device.cpu()));
    assertTrue(missing.getMessage().contains("init-from") && missing.getMessage().contains("nope.params"));

    ModelSpec stale = tiny(Architecture.RESNET50, ActivationKind.RELU).withInitFrom(file.toString(), "00");
    IOException changed = assertThrows(IOException.class, () -> Classifier.createFrom(stale, CIFAR, file, Device.cpu()));
    assertTrue(changed.getMessage().contains("changed since"), changed.getMessage());
  }

  @Test
  void oneTrainingStepOnAScaledResNetChangesTheWeights(@TempDir Path dir) throws IOException {
    ModelSpec s = tiny(Architecture.RESNET50, ActivationKind.DRELU);
    // batch 8, 8 images: one epoch is one step
    TrainingParams one = new TrainingParams(1, 8, 1e-3, 1e-3, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 3);
    try (Classifier c = Classifier.create(s, CIFAR, 1, Device.cpu())) {
      List<float[]> before = new ArrayList<>();
      c.parameters().forEach(p -> before.add(p.getArray().toFloatArray()));
      new Trainer(one, Objective.NATURAL).train(c, colours(8, 1), colours(4, 2), dir, TrainingListener.NONE);
      List<Parameter> after = c.parameters();
      int changed = 0;
      for (int i = 0; i < after.size(); i++) {
        if (!java.util.Arrays.equals(before.get(i), after.get(i).getArray().toFloatArray())) {
          changed++;
        }
      }
      // every weight, gamma and beta of the network gets a gradient; caps too (d penalty / d m)
      assertEquals(after.size(), changed, "parameters changed by one step");
      assertTrue(changed > 50, "a ResNet has many parameter tensors, but only " + changed + " were seen");
    }
  }

  @Test
  void trainingLeavesTheFixedGammaOfInceptionsScaleFreeBatchNormAlone(@TempDir Path dir) throws IOException {
    TrainingParams one = new TrainingParams(1, 8, 1e-3, 0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 3);
    try (Classifier c = Classifier.create(tiny(Architecture.INCEPTIONV3, ActivationKind.RELU), CIFAR, 1,
        Device.cpu())) {
      Parameter gamma = find(c, Parameter.Type.GAMMA);
      assertFalse(c.parameters().contains(gamma), "Keras' scale=False: gamma is not learnable");
      float[] firstWeights = c.parameters().get(0).getArray().toFloatArray();
      new Trainer(one, Objective.NATURAL).train(c, colours(8, 1), colours(4, 2), dir, TrainingListener.NONE);
      assertTrue(gamma.getArray().eq(1).all().getBoolean(), "gamma stays 1");
      assertFalse(java.util.Arrays.equals(firstWeights, c.parameters().get(0).getArray().toFloatArray()));
    }
  }

  @Test
  void theBackboneParameterFilesLoad(@TempDir Path dir) throws Exception {
    Path root = Path.of(System.getProperty("user.dir"));
    StringBuilder yaml = new StringBuilder("dataset: " + root.resolve("params/datasets/mnist-digits.yaml") + "\n"
        + "attacks: [" + root.resolve("params/attacks/fgsm-mnist.yaml") + "]\nseeds: [1]\nmodels:\n");
    List<String> names = new ArrayList<>();
    for (Architecture a : LARGE) {
      for (String variant : List.of("-drelu", "-relu", "-drelu-tiny", "-relu-tiny")) {
        names.add(a.key() + variant);
        yaml.append("  - ").append(root.resolve("params/models/" + a.key() + variant + ".yaml")).append('\n');
      }
    }
    Path pipeline = java.nio.file.Files.writeString(dir.resolve("p.yaml"), yaml.toString());
    List<dev.drelu.spec.ModelEntry> models = dev.drelu.spec.SpecLoader.load(pipeline).models();
    assertEquals(names, models.stream().map(dev.drelu.spec.ModelEntry::name).toList());
    for (dev.drelu.spec.ModelEntry e : models) {
      boolean tinyVariant = e.name().endsWith("-tiny");
      assertEquals(tinyVariant ? 0.125 : 1.0, e.model().width(), e.name());
      assertEquals(tinyVariant ? 0.25 : 1.0, e.model().depth(), e.name());
      assertEquals(256, e.model().headUnits());
      assertEquals(0.3, e.model().dropout());
      assertEquals(e.name().contains("drelu") ? ActivationKind.DRELU : ActivationKind.RELU, e.model().activation());
    }
  }

  @Test
  void theSpecLoaderReportsBackboneMistakesAtTheirKeys(@TempDir Path dir) throws Exception {
    Path root = Path.of(System.getProperty("user.dir"));
    String yaml = "dataset: " + root.resolve("params/datasets/mnist-digits.yaml") + "\n"
        + "attacks: [" + root.resolve("params/attacks/fgsm-mnist.yaml") + "]\nseeds: [1]\nmodels:\n"
        + "  - {architecture: resnet50, hidden: [32, 64]}\n"
        + "  - {architecture: mobilenetv2, width: 9}\n"
        + "  - {architecture: inceptionv3, init-from: nope.params}\n"
        + "  - {architecture: dense, depth: 0.5}\n";
    Path pipeline = java.nio.file.Files.writeString(dir.resolve("p.yaml"), yaml);
    Exception e = assertThrows(dev.drelu.spec.SpecException.class, () -> dev.drelu.spec.SpecLoader.load(pipeline));
    String msg = e.getMessage();
    assertTrue(msg.contains("hidden: applies only to dense and shallow-cnn"), msg);
    assertTrue(msg.contains("width: must be in (0, 4.0], but was: 9.0"), msg);
    assertTrue(msg.contains("init-from: file not found") && msg.contains("nope.params"), msg);
    assertTrue(msg.contains("depth: applies only to resnet50"), msg);
    System.out.println(msg);
  }

  @Test
  void theSpecSaysWhereHiddenWidthAndDepthApply() {
    IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(
        Architecture.RESNET50, List.of(32, 64), 256, 0.3, ActivationKind.RELU, Placement.HEAD, 100, 1, 32));
    assertTrue(hidden.getMessage().startsWith("hidden applies only to dense and shallow-cnn"), hidden.getMessage());
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(
        Architecture.DENSE, List.of(32, 64), 256, 0.3, ActivationKind.RELU, Placement.HEAD, 100, 1, 32,
        0.5, 1.0, null, null));
    assertTrue(width.getMessage().startsWith("width applies only to resnet50"), width.getMessage());
    IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.backbone(Architecture.MOBILENETV2, ActivationKind.RELU, 1.0, 0.0));
    assertTrue(depth.getMessage().startsWith("depth must be in (0, 4.0]"), depth.getMessage());
    IllegalArgumentException zeroWidth = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.backbone(Architecture.MOBILENETV2, ActivationKind.RELU, -1, 1.0));
    assertTrue(zeroWidth.getMessage().startsWith("width must be in (0, 4.0]"), zeroWidth.getMessage());
  }

  @Test
  void inputsTooSmallForABackboneAreRefusedWithTheReason() {
    InputShape small = new InputShape(3, 24, 24, 10);
    IllegalArgumentException inception = assertThrows(IllegalArgumentException.class,
        () -> ModelFactory.build(tiny(Architecture.INCEPTIONV3, ActivationKind.RELU), small));
    assertTrue(inception.getMessage().contains("at least 25x25") && inception.getMessage().contains("24x24"),
        inception.getMessage());
    IllegalArgumentException resnet = assertThrows(IllegalArgumentException.class,
        () -> ModelFactory.build(tiny(Architecture.RESNET101, ActivationKind.RELU), new InputShape(1, 4, 28, 10)));
    assertTrue(resnet.getMessage().contains("at least 8x8") && resnet.getMessage().contains("4x28"),
        resnet.getMessage());
    // 28x28 single-channel images (MNIST) are fine for the convolutional backbones
    try (Classifier c = Classifier.create(tiny(Architecture.INCEPTIONV3, ActivationKind.RELU),
        new InputShape(1, 28, 28, 10), 1, Device.cpu()); NDManager m = c.manager().newSubManager()) {
      assertEquals(new Shape(2, 10), c.forward(m.ones(new Shape(2, 1, 28, 28)), false).getShape());
    }
  }

  @Test
  void nearestUpsamplingRepeatsEachPixel() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
      NearestUpsampling up = new NearestUpsampling(3);
      up.initialize(m, DataType.FLOAT32, x.getShape());
      NDArray y = up.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), false)
          .singletonOrThrow();
      assertEquals(new Shape(1, 1, 6, 6), y.getShape());
      assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, y.get(0, 0, 2).toFloatArray());
      assertArrayEquals(new float[] {3, 3, 3, 4, 4, 4}, y.get(0, 0, 3).toFloatArray());
    }
  }

  @Test
  void oldSpecsKeepTheirJsonAndDescriptorsWithoutTheNewFieldsStillLoad() throws Exception {
    ModelSpec old = new ModelSpec(Architecture.DENSE, List.of(16, 8), 8, 0.0, ActivationKind.DRELU,
        Placement.HEAD, 2.0, 1.0, 4);
    String json = Json.canonical(old);
    assertFalse(json.contains("width") || json.contains("depth") || json.contains("initFrom"), json);
    assertEquals(old, Json.CANONICAL.readValue(json, ModelSpec.class));
    ModelSpec scaled = ModelSpec.backbone(Architecture.RESNET50, ActivationKind.RELU, 0.5, 0.25)
        .withInitFrom("/somewhere/model.params", "ab12");
    String scaledJson = Json.canonical(scaled);
    assertTrue(scaledJson.contains("\"width\":0.5") && scaledJson.contains("\"initFromSha256\":\"ab12\""), scaledJson);
    assertFalse(scaledJson.contains("/somewhere"), "the path is not hashed, its content is: " + scaledJson);
    ModelSpec back = Json.CANONICAL.readValue(scaledJson, ModelSpec.class);
    assertEquals(scaled.withInitFrom(null, "ab12"), back);
    IllegalStateException lost = assertThrows(IllegalStateException.class,
        () -> Classifier.create(back, CIFAR, 1, Device.cpu()));
    assertTrue(lost.getMessage().contains("not its path"), lost.getMessage());
    assertNotEquals(Json.canonical(old), Json.canonical(old.withActivation(ActivationKind.RELU)));
  }

  private static Parameter find(Classifier c, Parameter.Type type) {
    for (Pair<String, Parameter> p : collect(c)) {
      if (p.getValue().getType() == type) {
        return p.getValue();
      }
    }
    throw new AssertionError("no parameter of type " + type);
  }

  private static List<Pair<String, Parameter>> collect(Classifier c) {
    // parameters() leaves the running statistics out; the block has them all
    List<Pair<String, Parameter>> out = new ArrayList<>();
    c.block().getParameters().forEach(out::add);
    return out;
  }

  /** n 3x32x32 images: class 0 reddish, class 1 bluish, plus noise. */
  private static ImageDataset colours(int n, long seed) {
    Random r = new Random(seed);
    int plane = 32 * 32;
    float[] pixels = new float[n * 3 * plane];
    int[] labels = new int[n];
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      index[i] = i;
      for (int ch = 0; ch < 3; ch++) {
        float base = (ch == 0) == (labels[i] == 0) ? 0.7f : 0.2f;
        for (int p = 0; p < plane; p++) {
          pixels[(i * 3 + ch) * plane + p] = base + 0.2f * r.nextFloat();
        }
      }
    }
    return new ImageDataset(pixels, labels, index, 3, 32, 32, 2);
  }
}
