package dev.drelu.nn;

import dev.drelu.core.Checks;
import java.io.Serializable;
import java.util.List;

/**
 * What network to build.
 *
 * @param architecture the backbone
 * @param hidden widths of the two hidden dense layers, or filters of the two conv layers
 * @param headUnits units of the extra dense layer before the output (the paper: 256)
 * @param dropout dropout before the extra dense layer (the authors' code: 0.3)
 * @param activation relu, srelu or drelu for the capped layer
 * @param placement head (extra dense layer) or input-conv (conv right after the input)
 * @param capInit D-ReLU's initial cap (the paper: 100)
 * @param fixedCap S-ReLU's constant cap
 * @param inputConvFilters filters of the input conv layer (input-conv placement only)
 */
public record ModelSpec(
    Architecture architecture,
    List<Integer> hidden,
    int headUnits,
    double dropout,
    ActivationKind activation,
    Placement placement,
    double capInit,
    double fixedCap,
    int inputConvFilters)
    implements Serializable {

  /** The paper's D-ReLU initial cap. */
  public static final double PAPER_CAP_INIT = 100.0;

  public ModelSpec {
    hidden = List.copyOf(hidden);
    if (hidden.size() != 2) {
      throw new IllegalArgumentException(
          "hidden must list exactly two layer sizes, but was: " + hidden);
    }
    for (int h : hidden) {
      Checks.atLeast("hidden layer size", h, 1);
    }
    Checks.atLeast("head-units", headUnits, 1);
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), but was: " + dropout);
    }
    Checks.positive("cap-init", capInit);
    Checks.positive("fixed-cap", fixedCap);
    Checks.atLeast("input-conv-filters", inputConvFilters, 1);
    if (placement == Placement.INPUT_CONV && architecture != Architecture.SHALLOW_CNN) {
      throw new IllegalArgumentException(
          "placement input-conv needs a convolutional architecture, but architecture was: "
              + architecture.key());
    }
  }

  /**
   * @return the same network with another activation; settings the new activation does not use
   *     (D-ReLU's initial cap, S-ReLU's fixed cap) go back to their defaults, so two specs that
   *     build the same network are equal (and share a cache key)
   */
  public ModelSpec withActivation(ActivationKind a) {
    return new ModelSpec(architecture, hidden, headUnits, dropout, a, placement,
        a == ActivationKind.DRELU ? capInit : PAPER_CAP_INIT, a == ActivationKind.SRELU ? fixedCap : 1.0,
        inputConvFilters);
  }

  /** @return this spec with the settings its activation does not use at their defaults */
  public ModelSpec normalised() {
    return withActivation(activation);
  }

  /** A short label for tables and run names, e.g. "dense/drelu" or "shallow-cnn/drelu@input-conv". */
  public String label() {
    return architecture.key() + "/" + activation.key()
        + (placement == Placement.HEAD ? "" : "@" + placement.key());
  }
}
