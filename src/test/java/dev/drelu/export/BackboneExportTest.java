package dev.drelu.export;

import static dev.drelu.export.ExportFixtures.FIXED_CAP;
import static dev.drelu.export.ExportFixtures.IMAGES;
import static dev.drelu.export.ExportFixtures.assertExportGivesTheSameLogits;
import static dev.drelu.export.ExportFixtures.images;
import static dev.drelu.export.ExportFixtures.moveCaps;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.testing.Slow;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The residual backbones written as TorchScript, at a small width and depth: libtorch's loader
 * gives drelu's logits with BatchNorm's learned scale and running statistics moved off their
 * identity start and the caps moved where they bind. Slow only by its size (about 5 s).
 */
@Slow
class BackboneExportTest {
  private static final InputShape SMALL_COLOUR = new InputShape(3, 8, 8, 4);

  /**
   * Gives every BatchNorm of a backbone values far from its identity start: random gamma and beta,
   * then running statistics moved by forward passes in training mode, so a BatchNorm exported with
   * its statistics swapped, or without them, would change the logits.
   */
  private static void moveBatchNorms(Classifier model) {
    Random r = new Random(12);
    for (Parameter p : model.parameters()) {
      if (p.getName().equals("gamma") || p.getName().equals("beta")) {
        float[] v = new float[(int) p.getArray().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (p.getName().equals("gamma") ? 0.5 + r.nextDouble() : r.nextDouble() - 0.5);
        }
        p.getArray().set(FloatBuffer.wrap(v));
      }
    }
    InputShape s = model.input();
    for (int step = 0; step < 3; step++) {
      try (NDManager m = model.manager().newSubManager(); Autograd off = Autograd.off()) {
        float[] x = images(s, 20 + step);
        for (int i = 0; i < x.length; i++) {
          x[i] = x[i] * 3 + 1; // a shifted, wider batch: running means and variances move off 0 and 1
        }
        model.forward(m.create(x, new Shape(IMAGES, s.channels(), s.height(), s.width())), true);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Architecture.class, names = {"RESNET50", "RESNET101", "MOBILENETV2"})
  void aSmallResidualBackboneExportsWithTheLogitsDreluComputes(Architecture a, @TempDir Path dir) throws Exception {
    ModelSpec spec = ModelSpec.backbone(a, ActivationKind.DRELU, 0.125, 0.25);
    try (Classifier model = Classifier.create(spec, SMALL_COLOUR, 3, Device.cpu())) {
      moveBatchNorms(model);
      moveCaps(model);
      assertExportGivesTheSameLogits(model, dir);
    }
  }

  @Test
  void aBackboneWithACappedInputConvolutionExportsWithTheLogitsDreluComputes(@TempDir Path dir) throws Exception {
    ModelSpec spec = new ModelSpec(Architecture.RESNET50, List.of(), 16, 0.3, ActivationKind.SRELU,
        Placement.INPUT_CONV, 100, FIXED_CAP, 4, 0.125, 0.25, null, null);
    try (Classifier model = Classifier.create(spec, SMALL_COLOUR, 3, Device.cpu())) {
      moveBatchNorms(model);
      assertExportGivesTheSameLogits(model, dir);
    }
  }

}
