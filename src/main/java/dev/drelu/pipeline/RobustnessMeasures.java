package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The per-example measures the summary derives from attack outcomes. */
final class RobustnessMeasures {
  /** One-sided 99% quantile of the standard normal, for the at-chance test. */
  private static final double Z_99 = 2.3263478740408408;

  private RobustnessMeasures() {}

  /**
   * @param outcomes attacks of one threat model on one model, over the same examples
   * @return the share of examples correct clean and under every one of them (joined on example
   *     index), or NaN without attacks
   */
  static double worstCase(List<AttackOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return Double.NaN;
    }
    Map<Integer, Boolean> robust = new TreeMap<>();
    for (AttackOutcome o : outcomes) {
      for (int i = 0; i < o.size(); i++) {
        boolean ok = o.cleanPrediction()[i] == o.label()[i] && o.adversarialPrediction()[i] == o.label()[i];
        robust.merge(o.index()[i], ok, Boolean::logicalAnd);
      }
    }
    return robust.values().stream().filter(b -> b).count() / (double) robust.size();
  }

  /**
   * @return the median L2 distance of the examples the attack broke (correct clean, wrong
   *     after), NaN when it broke none: what a minimum-distance attack such as CW-L2 measures
   */
  static double medianL2OfBroken(AttackOutcome o) {
    double[] broken = new double[o.size()];
    int n = 0;
    for (int i = 0; i < o.size(); i++) {
      if (o.cleanPrediction()[i] == o.label()[i] && o.adversarialPrediction()[i] != o.label()[i]) {
        broken[n++] = o.l2()[i];
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    double[] d = Arrays.copyOf(broken, n);
    Arrays.sort(d);
    return n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  }

  /**
   * A model is at chance when its clean accuracy on {@code examples} is not above guessing at
   * the 1% level (one-sided normal approximation to the binomial): then nothing it "resists" is
   * robustness. On 500 examples of 10 classes that is 13.1% or less.
   *
   * @param clean clean accuracy, NaN when unmeasured (then: not at chance)
   * @param examples how many examples it was measured on
   * @param classes how many classes (chance is 1 / classes)
   */
  static boolean atChance(double clean, int examples, int classes) {
    if (Double.isNaN(clean) || examples == 0) {
      return false;
    }
    double p = 1.0 / classes;
    return clean <= p + Z_99 * Math.sqrt(p * (1 - p) / examples);
  }
}
