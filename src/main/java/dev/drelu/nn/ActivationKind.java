package dev.drelu.nn;

import dev.drelu.core.Keyed;

/** The activation of the layer that may carry a cap. */
public enum ActivationKind implements Keyed {
  /** Plain ReLU: the baseline. */
  RELU("relu"),
  /** S-ReLU: {@code max(0, min(m, x))} with a fixed cap m. */
  SRELU("srelu"),
  /** D-ReLU: like S-ReLU but m is learned, one per unit (dense) or channel (conv). */
  DRELU("drelu");

  private final String key;

  ActivationKind(String key) {
    this.key = key;
  }

  /** @return the name used in YAML and in reports */
  @Override
  public String key() {
    return key;
  }

  /**
   * @param key relu, srelu or drelu (case-insensitive)
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ActivationKind parse(String key) {
    return Keyed.parse(ActivationKind.class, "activation", key);
  }
}
