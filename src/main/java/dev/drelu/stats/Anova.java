package dev.drelu.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.stat.inference.OneWayAnova;

/**
 * One-way ANOVA across methods (METHOD.md section 9): each method is a group whose values are
 * its mean accuracies over all rows. Commons Math computes F and its p-value.
 *
 * @param f the F statistic (NaN when every value is equal)
 * @param dfBetween k - 1
 * @param dfWithin k (N - 1)
 * @param pValue P(F' >= f)
 * @param alpha the level of the critical value
 * @param criticalF the F value exceeded with probability alpha
 */
public record Anova(double f, int dfBetween, int dfWithin, double pValue, double alpha, double criticalF)
    implements Serializable {

  /** @return whether the method means differ at level alpha (F above the critical value) */
  public boolean significant() {
    return f > criticalF;
  }

  /**
   * @param scores rows x methods, at least 2 rows and 2 methods
   * @param alpha level of the critical value, in (0, 1)
   * @return the test
   * @throws IllegalArgumentException for fewer than 2 rows or methods, or alpha outside (0, 1)
   */
  public static Anova of(ScoreMatrix scores, double alpha) {
    Statistics.checkShape(scores);
    Statistics.checkAlpha("anova alpha", alpha);
    List<double[]> groups = new ArrayList<>();
    for (int j = 0; j < scores.methodCount(); j++) {
      groups.add(scores.column(j));
    }
    int k = scores.methodCount();
    int n = scores.rowCount();
    int dfBetween = k - 1;
    int dfWithin = k * (n - 1);
    OneWayAnova anova = new OneWayAnova();
    double f = anova.anovaFValue(groups);
    double p = Double.isNaN(f) ? Double.NaN : new FDistribution(dfBetween, dfWithin).cumulativeProbability(f);
    double critical = new FDistribution(dfBetween, dfWithin).inverseCumulativeProbability(1 - alpha);
    return new Anova(f, dfBetween, dfWithin, Double.isNaN(p) ? Double.NaN : 1 - p, alpha, critical);
  }
}
