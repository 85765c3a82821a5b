package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;
import java.util.List;

/**
 * Accuracy against the perturbation bound (the paper's Section 9 sweep, with APGD-CE by default).
 *
 * @param attack the attack run at every bound (its own epsilon is replaced)
 * @param epsilons the bounds, in [0, 1] pixel units; include 0.5 (Linf) for the chance check
 * @param straightThrough also sweep the adaptive (BPDA) version beside it
 */
public record SweepParams(AttackParams attack, List<Double> epsilons, boolean straightThrough) implements Serializable {
  public SweepParams {
    epsilons = List.copyOf(epsilons);
    if (epsilons.size() < 2) {
      throw Checks.invalid("epsilons", "must list at least two bounds, but was: " + epsilons);
    }
  }

  /** @return the attack at one bound, named e.g. "apgd-ce-eps0.3" (or "...-bpda-eps0.3") */
  public AttackParams at(double epsilon, boolean adaptive) {
    AttackParams a = attack.withEpsilon(epsilon);
    if (a instanceof GradientAttack g) {
      a = g.withStraightThrough(adaptive); // a plain point is plain even if the swept attack is adaptive
    }
    return a.withName(attack.name() + (adaptive ? "-bpda" : "") + "-eps" + epsilon);
  }
}
