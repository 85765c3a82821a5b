package dev.drelu.attack;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The set an adversary may move an input within: the ball of radius {@code epsilon} in a norm,
 * intersected with [0, 1]. Accuracies under different threat models answer different
 * questions, so a worst case is only ever taken within one of them.
 *
 * @param norm the ball's norm
 * @param epsilon its radius, in [0, 1] pixel units
 */
public record ThreatModel(Norm norm, double epsilon) implements Serializable {
  /** @return e.g. "Linf 0.1" or "L2 18": the name of the table's worst-case column */
  public String label() {
    String radius = new BigDecimal(Double.toString(epsilon)).stripTrailingZeros().toPlainString();
    return (norm == Norm.LINF ? "Linf " : "L2 ") + radius;
  }

  @Override
  public String toString() {
    return label();
  }
}
