package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The set an adversary may move an input within: the ball of radius {@code epsilon} in a norm,
 * intersected with [0, 1]. Accuracies under different threat models answer different
 * questions, so a worst case is only ever taken within one of them.
 *
 * @param norm the ball's norm
 * @param epsilon its radius, in [0, 1] pixel units (L2: the Euclidean length of the perturbation)
 */
public record ThreatModel(Norm norm, double epsilon) implements Serializable {
  /** @throws Checks.Invalid if the radius is negative, or beyond 1 in Linf (the pixel range) */
  public ThreatModel {
    Objects.requireNonNull(norm, "norm");
    if (norm == Norm.LINF) {
      Checks.inRange("epsilon", epsilon, 0.0, 1.0);
    } else {
      Checks.nonNegative("epsilon", epsilon);
    }
  }

  /** @return e.g. "Linf 0.1" or "L2 18": the name of the table's worst-case column */
  public String label() {
    String radius = new BigDecimal(Double.toString(epsilon)).stripTrailingZeros().toPlainString();
    return (norm == Norm.LINF ? "Linf " : "L2 ") + radius;
  }

  /** @return the same ball with another radius */
  public ThreatModel withEpsilon(double e) {
    return new ThreatModel(norm, e);
  }

  @Override
  public String toString() {
    return label();
  }
}
