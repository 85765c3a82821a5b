package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;

/**
 * One attack configuration. Threat model: Linf ball of radius epsilon around the input,
 * intersected with [0, 1].
 *
 * @param name the label in tables and column names, e.g. "pgd" or "pgd-bpda"
 * @param method FGSM or PGD
 * @param epsilon the Linf bound in [0, 1] pixel units (the paper: MNIST 0.1)
 * @param steps PGD iterations (ignored by FGSM)
 * @param stepSize PGD step in pixel units (ignored by FGSM)
 * @param randomStart PGD starts from a uniform point in the ball
 * @param straightThrough BPDA: gradients pass through caps as if they were plain ReLUs (the
 *     forward pass, and so the verdict, stays exact); an adaptive attack against gradient masking
 * @param seed seeds the random start; each example's start depends only on (seed, its index)
 */
public record AttackParams(
    String name,
    AttackMethod method,
    double epsilon,
    int steps,
    double stepSize,
    boolean randomStart,
    boolean straightThrough,
    long seed)
    implements Serializable {

  public AttackParams {
    Checks.notBlank("name", name);
    if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "name must be lower-case letters, digits, '-' or '_', but was: " + name);
    }
    Checks.inRange("epsilon", epsilon, 0.0, 1.0);
    Checks.atLeast("steps", steps, 1);
    Checks.nonNegative("step-size", stepSize);
  }

  /** FGSM at {@code epsilon}. */
  public static AttackParams fgsm(double epsilon) {
    return new AttackParams("fgsm", AttackMethod.FGSM, epsilon, 1, epsilon, false, false, 0);
  }

  /** PGD with a random start, the step size 2.5 * eps / steps of Madry et al. */
  public static AttackParams pgd(double epsilon, int steps) {
    return new AttackParams("pgd", AttackMethod.PGD, epsilon, steps, 2.5 * epsilon / steps, true, false, 0);
  }

  public AttackParams withEpsilon(double e) {
    return new AttackParams(name, method, e, steps, stepSize, randomStart, straightThrough, seed);
  }

  public AttackParams withName(String n) {
    return new AttackParams(n, method, epsilon, steps, stepSize, randomStart, straightThrough, seed);
  }

  public AttackParams withStraightThrough(boolean on) {
    return new AttackParams(name, method, epsilon, steps, stepSize, randomStart, on, seed);
  }
}
