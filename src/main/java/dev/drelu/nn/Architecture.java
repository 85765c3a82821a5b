package dev.drelu.nn;

import dev.drelu.core.Keyed;

/** The backbones drelu builds. Large CIFAR backbones arrive with the baselines issue. */
public enum Architecture implements Keyed {
  /** Two hidden dense layers with ReLU. */
  DENSE("dense"),
  /** Two 3x3 conv layers (ReLU, 2x2 max pooling each), then flatten. */
  SHALLOW_CNN("shallow-cnn");

  private final String key;

  Architecture(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Architecture parse(String key) {
    return Keyed.parse(Architecture.class, "architecture", key);
  }
}
