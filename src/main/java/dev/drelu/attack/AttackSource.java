package dev.drelu.attack;

import dev.drelu.core.Keyed;

/** Which model an attack computes its perturbations on. */
public enum AttackSource implements Keyed {
  /** The attacked model itself (white-box, or black-box queries for Square). */
  SELF("self"),
  /**
   * A transfer attack: the perturbation is crafted on a plain-ReLU twin of the attacked model
   * (same architecture, data, training and seed; lambda 0) and replayed on the attacked model.
   */
  RELU_TWIN("relu-twin");

  private final String key;

  AttackSource(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static AttackSource parse(String key) {
    return Keyed.parse(AttackSource.class, "source", key);
  }
}
