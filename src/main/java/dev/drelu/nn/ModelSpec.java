package dev.drelu.nn;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drelu.core.Checks;
import java.io.Serializable;
import java.util.List;

/**
 * What network to build.
 *
 * <p>Old model descriptors ({@code model.json} written before width, depth and init-from existed)
 * still load: a missing width or depth reads as null and becomes the default 1.0. Defaults are
 * left out of the JSON, so the cache keys of existing models did not change when they were added.
 *
 * @param architecture the backbone
 * @param hidden dense and shallow-cnn only: widths of the two hidden dense layers, or filters of
 *     the two conv layers; empty for the large backbones (resnet50, resnet101, mobilenetv2,
 *     inceptionv3), whose size is set by {@code width} and {@code depth}
 * @param headUnits units of the extra dense layer before the output (the paper: 256)
 * @param dropout dropout before the extra dense layer (the authors' code: 0.3)
 * @param activation relu, srelu or drelu for the capped layer
 * @param placement head (extra dense layer) or input-conv (conv right after the input)
 * @param capInit D-ReLU's initial cap (the paper: 100)
 * @param fixedCap S-ReLU's constant cap
 * @param inputConvFilters filters of the input conv layer (input-conv placement only)
 * @param width large backbones only: channel multiplier (1.0 = the published network); channel
 *     counts are rounded to multiples of 8 as in MobileNetV2's width multiplier
 * @param depth large backbones only: multiplier on the blocks of each stage (1.0 = the published
 *     network); each stage keeps {@code ceil(depth * blocks)}, at least one
 * @param initFrom optional parameters file written by {@link Classifier#save} to start from instead
 *     of random weights; null = random initialisation. Not hashed: the content hash is
 * @param initFromSha256 sha256 of the {@code initFrom} file as the spec loader read it (null if
 *     not known); it, not the path, enters the cache key, and a file changed since is refused
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
    int inputConvFilters,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ModelSpec.DefaultScale.class) Double width,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ModelSpec.DefaultScale.class) Double depth,
    @com.fasterxml.jackson.annotation.JsonIgnore String initFrom,
    @JsonInclude(JsonInclude.Include.NON_NULL) String initFromSha256)
    implements Serializable {

  /** The paper's D-ReLU initial cap. */
  public static final double PAPER_CAP_INIT = 100.0;

  /** The published networks' width and depth. */
  public static final double DEFAULT_SCALE = 1.0;

  /** Largest accepted width or depth multiplier: beyond it nothing fits in memory anyway. */
  public static final double MAX_SCALE = 4.0;

  public ModelSpec {
    hidden = List.copyOf(hidden);
    width = width == null ? DEFAULT_SCALE : width;
    depth = depth == null ? DEFAULT_SCALE : depth;
    if (architecture.isLargeBackbone()) {
      if (!hidden.isEmpty()) {
        throw Checks.invalid("hidden", "applies only to dense and shallow-cnn, but was: " + hidden
            + " for " + architecture.key() + "; leave it out and size the network with width and depth");
      }
    } else {
      if (hidden.size() != 2) {
        throw Checks.invalid("hidden", "must list exactly two layer sizes, but was: " + hidden);
      }
      for (int h : hidden) {
        if (h < 1) {
          throw Checks.invalid("hidden", "layer sizes must be at least 1, but was: " + hidden);
        }
      }
      for (String key : List.of("width", "depth")) {
        double scale = key.equals("width") ? width : depth;
        if (scale != DEFAULT_SCALE) {
          throw Checks.invalid(key, "applies only to resnet50, resnet101, mobilenetv2 and inceptionv3, but was: "
              + scale + " for " + architecture.key() + "; size it with hidden");
        }
      }
    }
    if (!(width > 0 && width <= MAX_SCALE)) {
      throw Checks.invalid("width", "must be in (0, " + MAX_SCALE + "], but was: " + width);
    }
    if (!(depth > 0 && depth <= MAX_SCALE)) {
      throw Checks.invalid("depth", "must be in (0, " + MAX_SCALE + "], but was: " + depth);
    }
    Checks.atLeast("head-units", headUnits, 1);
    if (!(dropout >= 0 && dropout < 1)) {
      throw Checks.invalid("dropout", "must be in [0, 1), but was: " + dropout);
    }
    Checks.positive("cap-init", capInit);
    Checks.positive("fixed-cap", fixedCap);
    Checks.atLeast("input-conv-filters", inputConvFilters, 1);
    if (placement == Placement.INPUT_CONV && !architecture.isConvolutional()) {
      throw Checks.invalid("placement", "input-conv needs a convolutional architecture, but architecture was: "
          + architecture.key());
    }
    if (initFrom != null && initFrom.isBlank()) {
      throw Checks.invalid("init-from", "must name a parameters file, but was blank");
    }
  }

  /** The network as it was before width, depth and init-from existed: published size, random start. */
  public ModelSpec(
      Architecture architecture,
      List<Integer> hidden,
      int headUnits,
      double dropout,
      ActivationKind activation,
      Placement placement,
      double capInit,
      double fixedCap,
      int inputConvFilters) {
    this(architecture, hidden, headUnits, dropout, activation, placement, capInit, fixedCap,
        inputConvFilters, DEFAULT_SCALE, DEFAULT_SCALE, null, null);
  }

  /**
   * What a spec that writes only the architecture gets: the paper's head (256 units, dropout 0.3,
   * initial cap 100), ReLU, the published size. The small networks have two hidden layers (dense:
   * 256 and 128 units; shallow-cnn: 32 and 64 filters); the large backbones none.
   */
  public static ModelSpec defaults(Architecture architecture) {
    List<Integer> hidden = architecture.isLargeBackbone() ? List.of()
        : architecture == Architecture.DENSE ? List.of(256, 128) : List.of(32, 64);
    return new ModelSpec(architecture, hidden, 256, 0.3, ActivationKind.RELU, Placement.HEAD, PAPER_CAP_INIT, 1.0, 32,
        DEFAULT_SCALE, DEFAULT_SCALE, null, null);
  }

  /**
   * A large backbone ({@link Architecture#isLargeBackbone()}) with the paper's head.
   *
   * @param width channel multiplier, 1.0 = published
   * @param depth blocks-per-stage multiplier, 1.0 = published
   */
  public static ModelSpec backbone(Architecture architecture, ActivationKind activation, double width, double depth) {
    return defaults(architecture).withActivation(activation).withScale(width, depth);
  }

  /** @return this spec scaled to {@code width} and {@code depth}; this one is unchanged */
  public ModelSpec withScale(double newWidth, double newDepth) {
    return new ModelSpec(architecture, hidden, headUnits, dropout, activation, placement, capInit, fixedCap,
        inputConvFilters, newWidth, newDepth, initFrom, initFromSha256);
  }

  /** @return this spec starting from the parameters in {@code file} (sha256 may be null); this one is unchanged */
  public ModelSpec withInitFrom(String file, String sha256) {
    return new ModelSpec(architecture, hidden, headUnits, dropout, activation, placement, capInit, fixedCap,
        inputConvFilters, width, depth, file, sha256);
  }

  /**
   * @return the same network with another activation; settings the new activation does not use
   *     (D-ReLU's initial cap, S-ReLU's fixed cap) go back to their defaults, so two specs that
   *     build the same network are equal (and share a cache key)
   */
  public ModelSpec withActivation(ActivationKind a) {
    return new ModelSpec(architecture, hidden, headUnits, dropout, a, placement,
        a == ActivationKind.DRELU ? capInit : PAPER_CAP_INIT, a == ActivationKind.SRELU ? fixedCap : 1.0,
        inputConvFilters, width, depth, initFrom, initFromSha256);
  }

  /** @return this spec with the settings its activation does not use at their defaults */
  public ModelSpec normalised() {
    return withActivation(activation);
  }

  /** A short label for tables and run names, e.g. "dense/drelu" or "shallow-cnn/drelu@input-conv". */
  public String label() {
    String scale = width == DEFAULT_SCALE && depth == DEFAULT_SCALE ? "" : "[w" + width + ",d" + depth + "]";
    return architecture.key() + scale + "/" + activation.key()
        + (placement == Placement.HEAD ? "" : "@" + placement.key());
  }

  /**
   * Jackson's value filter for width and depth: the default is left out of the JSON, so specs
   * written before these fields existed keep their canonical JSON and thus their cache keys.
   */
  static final class DefaultScale {
    @Override
    public boolean equals(Object value) {
      return value == null || (value instanceof Double d && d == DEFAULT_SCALE);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
