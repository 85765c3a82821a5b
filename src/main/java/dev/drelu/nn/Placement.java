package dev.drelu.nn;

import java.util.Arrays;
import java.util.Locale;

/** Where the capped activation sits (paper Section 2 and its Fig. 13 ablation). */
public enum Placement {
  /** An extra dense layer before the output layer carries the activation (the paper's main setup). */
  HEAD("head"),
  /** A conv layer right after the input carries it; the head then uses plain ReLU. CNNs only. */
  INPUT_CONV("input-conv");

  private final String key;

  Placement(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Placement parse(String key) {
    for (Placement p : values()) {
      if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "placement must be one of " + Arrays.stream(values()).map(Placement::key).toList()
            + ", but was: " + key);
  }
}
