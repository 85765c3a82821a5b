package dev.drelu.attack;

import dev.drelu.core.Keyed;

/** The attacks drelu runs (METHOD.md section 7). */
public enum AttackMethod implements Keyed {
  /** Fast Gradient Sign Method (Goodfellow et al. 2015): one signed-gradient step of size eps. */
  FGSM("fgsm"),
  /** Projected Gradient Descent (Madry et al. 2018), Linf or L2, random start, restarts. */
  PGD("pgd"),
  /** Auto-PGD on cross-entropy (Croce &amp; Hein 2020). */
  APGD_CE("apgd-ce"),
  /** Auto-PGD on the difference-of-logits ratio (Croce &amp; Hein 2020). */
  APGD_DLR("apgd-dlr"),
  /** Targeted Auto-PGD on the targeted DLR loss, over the top-k classes (Croce &amp; Hein 2020). */
  APGD_T("apgd-t"),
  /** Carlini &amp; Wagner (2017) L2: tanh change of variables, Adam, binary search over c. */
  CW_L2("cw-l2"),
  /** Square Attack (Andriushchenko et al. 2020): score-based black box, random squares. */
  SQUARE("square");

  private final String key;

  AttackMethod(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @return true if the attack follows gradients (and so can be fooled by masked ones) */
  public boolean usesGradients() {
    return this != SQUARE;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static AttackMethod parse(String key) {
    return Keyed.parse(AttackMethod.class, "method", key);
  }
}
