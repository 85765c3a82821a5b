package dev.drelu.nn;

import java.util.Arrays;
import java.util.Locale;

/** The backbones drelu builds. Large CIFAR backbones arrive with the baselines issue. */
public enum Architecture {
  /** Two hidden dense layers with ReLU. */
  DENSE("dense"),
  /** Two 3x3 conv layers (ReLU, 2x2 max pooling each), then flatten. */
  SHALLOW_CNN("shallow-cnn");

  private final String key;

  Architecture(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Architecture parse(String key) {
    for (Architecture a : values()) {
      if (a.key.equals(key.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "architecture must be one of " + Arrays.stream(values()).map(Architecture::key).toList()
            + ", but was: " + key);
  }
}
