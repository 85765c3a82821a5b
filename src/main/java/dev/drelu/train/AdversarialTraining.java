package dev.drelu.train;

import dev.drelu.core.Checks;
import dev.drelu.core.Keyed;
import java.io.Serializable;

/**
 * The paper's adversarially trained baselines (METHOD.md section 6).
 *
 * @param method AT (Madry et al. 2018) or TRADES (Zhang et al. 2019)
 * @param epsilon the Linf bound of the inner maximisation (TRADES reference: 0.031)
 * @param steps its PGD steps (reference: 10)
 * @param stepSize its step (TRADES reference: 0.007)
 * @param beta TRADES' weight of the KL term (the paper: 1 and 6; 5 with generated data)
 * @param fromNatural AT as the paper runs it: start from the naturally trained model (same net,
 *     schedule and seed, trained first) and continue on PGD examples
 * @param epochs with fromNatural: how many epochs the continuation runs (the paper: 10); the
 *     natural model itself follows {@link TrainingParams#maxEpochs()}
 */
public record AdversarialTraining(Method method, double epsilon, int steps, double stepSize, double beta,
    boolean fromNatural, int epochs) implements Serializable {

  /** The adversarial objectives. */
  public enum Method implements Keyed {
    AT("at"),
    TRADES("trades");

    private final String key;

    Method(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Method parse(String key) {
      return Keyed.parse(Method.class, "method", key);
    }
  }

  public AdversarialTraining {
    Checks.inRange("epsilon", epsilon, 0.0, 1.0);
    Checks.atLeast("steps", steps, 1);
    Checks.nonNegative("step-size", stepSize);
    Checks.nonNegative("beta", beta);
    Checks.atLeast("epochs", epochs, 1);
    if (method == Method.TRADES && fromNatural) {
      throw Checks.invalid("from-natural", "applies to AT only (the paper trains TRADES from scratch)");
    }
  }

  /** AT's bound when a spec gives none: the paper's Linf 0.1 on MNIST. */
  public static final double DEFAULT_AT_EPSILON = 0.1;

  /** TRADES' weight of the KL term when a spec gives none. */
  public static final double DEFAULT_TRADES_BETA = 1.0;

  /**
   * What a spec that names only the method gets: {@link #at} or {@link #trades} with their defaults.
   *
   * @param epsilon for AT, the bound written in the spec (null = {@link #DEFAULT_AT_EPSILON}): AT's step
   *     is a quarter of its bound, so its default follows the bound given; TRADES ignores it here
   * @throws IllegalArgumentException naming epsilon if it is out of range
   */
  public static AdversarialTraining defaults(Method method, Double epsilon) {
    return method == Method.AT ? at(epsilon == null ? DEFAULT_AT_EPSILON : epsilon) : trades(DEFAULT_TRADES_BETA);
  }

  /** AT as the paper runs it: PGD-10 at {@code epsilon}, step eps/4, from the natural model. */
  public static AdversarialTraining at(double epsilon) {
    return new AdversarialTraining(Method.AT, epsilon, 10, epsilon / 4, 0, true, 10);
  }

  /** TRADES with the reference inner maximisation (eps 0.031, 10 steps of 0.007). */
  public static AdversarialTraining trades(double beta) {
    return new AdversarialTraining(Method.TRADES, 0.031, 10, 0.007, beta, false, 10);
  }
}
