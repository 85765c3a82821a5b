package dev.drelu.attack;

import dev.drelu.core.Keyed;

/** The norm of a threat model's ball. */
public enum Norm implements Keyed {
  /** max_i |delta_i| &lt;= eps. */
  LINF("linf"),
  /** sqrt(sum_i delta_i^2) &lt;= eps. */
  L2("l2");

  private final String key;

  Norm(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Norm parse(String key) {
    return Keyed.parse(Norm.class, "norm", key);
  }
}
