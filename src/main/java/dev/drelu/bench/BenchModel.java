package dev.drelu.bench;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.ModelSpec;
import java.util.List;

/**
 * A network the side-by-side benchmark measures, always with the D-ReLU head of the quickstart
 * (cap-init 2, lambda 0.01, cap learning rate 0.01).
 *
 * @param name the row label
 * @param spec the network
 * @param attacked whether the attack rows measure it too
 */
public record BenchModel(String name, ModelSpec spec, boolean attacked) {
  static final double CAP_INIT = 2.0;
  static final double LAMBDA = 0.01;
  static final double CAP_LEARNING_RATE = 0.01;

  /** @return Dense 784-256-128, Shallow CNN (32, 64 filters), and a tiny ResNet-50 (width 1/8, depth 1/4) */
  public static List<BenchModel> all() {
    return List.of(
        new BenchModel("dense", drelu(ModelSpec.defaults(Architecture.DENSE)), true),
        new BenchModel("shallow-cnn", drelu(ModelSpec.defaults(Architecture.SHALLOW_CNN)), true),
        new BenchModel("tiny-resnet", drelu(ModelSpec.defaults(Architecture.RESNET50).withScale(0.125, 0.25)), false));
  }

  private static ModelSpec drelu(ModelSpec s) {
    ModelSpec d = s.withActivation(ActivationKind.DRELU);
    return new ModelSpec(d.architecture(), d.hidden(), d.headUnits(), d.dropout(), d.activation(), d.placement(),
        CAP_INIT, d.fixedCap(), d.inputConvFilters(), d.width(), d.depth(), null, null);
  }
}
