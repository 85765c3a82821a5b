package dev.drelu.attack;

import dev.drelu.core.Keyed;

/** The attacks drelu runs. */
public enum AttackMethod implements Keyed {
  /** Fast Gradient Sign Method (Goodfellow et al. 2015): one signed-gradient step of size eps. */
  FGSM("fgsm"),
  /** Projected Gradient Descent (Madry et al. 2018), Linf, with a random start. */
  PGD("pgd");

  private final String key;

  AttackMethod(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static AttackMethod parse(String key) {
    return Keyed.parse(AttackMethod.class, "method", key);
  }
}
