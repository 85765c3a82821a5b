package dev.drelu.attack;

import java.util.Arrays;
import java.util.Locale;

/** The attacks drelu runs. */
public enum AttackMethod {
  /** Fast Gradient Sign Method (Goodfellow et al. 2015): one signed-gradient step of size eps. */
  FGSM("fgsm"),
  /** Projected Gradient Descent (Madry et al. 2018), Linf, with a random start. */
  PGD("pgd");

  private final String key;

  AttackMethod(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static AttackMethod parse(String key) {
    for (AttackMethod m : values()) {
      if (m.key.equals(key.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("method must be one of "
        + Arrays.stream(values()).map(AttackMethod::key).toList() + ", but was: " + key);
  }
}
