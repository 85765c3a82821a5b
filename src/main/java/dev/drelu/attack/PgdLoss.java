package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import dev.drelu.core.Keyed;
import dev.drelu.nn.Losses;

/** The per-example loss PGD ascends (YAML {@code loss}). */
public enum PgdLoss implements Keyed {
  /** Cross-entropy (Madry et al.), the default. */
  CE("ce"),
  /**
   * The logit margin {@code max_{i != y} z_i - z_y} (Carlini &amp; Wagner's f6 without the clamp):
   * it does not saturate when the softmax does, so it keeps pushing where cross-entropy's gradient
   * has vanished.
   */
  MARGIN("margin"),
  /** Croce &amp; Hein's difference-of-logits ratio ({@link Losses#dlr}), blind to the logits' scale. */
  DLR("dlr");

  private final String key;

  PgdLoss(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @return N losses from N x K logits and N labels */
  NDArray apply(NDArray logits, NDArray labels) {
    return switch (this) {
      case CE -> Losses.crossEntropy(logits, labels);
      case MARGIN -> Losses.margin(logits, labels);
      case DLR -> Losses.dlr(logits, labels);
    };
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static PgdLoss parse(String key) {
    return Keyed.parse(PgdLoss.class, "loss", key);
  }
}
