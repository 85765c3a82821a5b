package dev.drelu.nn;

import dev.drelu.core.Keyed;

/** Where the capped activation sits (paper Section 2 and its Fig. 13 ablation). */
public enum Placement implements Keyed {
  /** An extra dense layer before the output layer carries the activation (the paper's main setup). */
  HEAD("head"),
  /** A conv layer right after the input carries it; the head then uses plain ReLU. CNNs only. */
  INPUT_CONV("input-conv");

  private final String key;

  Placement(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Placement parse(String key) {
    return Keyed.parse(Placement.class, "placement", key);
  }
}
