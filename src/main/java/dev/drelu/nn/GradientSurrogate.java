package dev.drelu.nn;

import java.io.Serializable;

/**
 * What the backward pass of a capped ReLU differentiates. The forward pass always stays exact, so
 * every prediction, and every verdict of an attack, is the model's own; only the gradient an
 * attacker follows changes (BPDA, Athalye et al. 2018).
 */
public sealed interface GradientSurrogate extends Serializable {
  /** The cap's own gradient: 1 on (0, m), 0 elsewhere, so a unit above its cap passes nothing. */
  record Exact() implements GradientSurrogate {}

  /** Plain ReLU's gradient: 1 wherever x &gt; 0, as if there were no cap. */
  record StraightThrough() implements GradientSurrogate {}

  /**
   * The gradient of a smooth cap, {@code T softplus(x/T) - T softplus((x - m)/T)}: it tends to the
   * exact cap as T tends to 0, and unlike it passes a gradient, however small, from units above
   * their cap. Attacks anneal T towards 0 so the surrogate ends close to the model.
   *
   * @param temperature T, positive
   */
  record SoftCap(double temperature) implements GradientSurrogate {
    public SoftCap {
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature must be positive, but was: " + temperature);
      }
    }
  }

  GradientSurrogate EXACT = new Exact();
  GradientSurrogate STRAIGHT_THROUGH = new StraightThrough();
}
