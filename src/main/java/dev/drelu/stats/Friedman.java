package dev.drelu.stats;

import java.io.Serializable;
import java.util.List;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.FDistribution;

/**
 * The Friedman test on within-row ranks (rank 1 = highest accuracy, ties averaged) and the
 * Iman-Davenport F statistic derived from it (Demšar 2006, JMLR 7; METHOD.md section 9).
 *
 * <p>The chi-square carries the usual correction for ties, dividing by
 * {@code 1 - sum(t^3 - t) / (N k (k^2 - 1))} over tie groups of size t, as R's
 * {@code friedman.test} and SciPy's {@code friedmanchisquare} do; without ties it is 1 and the
 * statistic is Demšar's {@code 12N / (k(k+1)) (sum R_j^2 - k(k+1)^2 / 4)}.
 *
 * @param rows N
 * @param methods the method names, in column order
 * @param averageRanks mean rank of each method (rank 1 = best)
 * @param chiSquare the tie-corrected Friedman statistic, k - 1 degrees of freedom
 * @param tieCorrection the divisor applied for ties (1 without ties)
 * @param chiSquarePValue P(chi2 >= chiSquare)
 * @param imanDavenportF F_F = (N-1) chi2 / (N(k-1) - chi2); +Infinity when every row ranks alike
 * @param df1 k - 1
 * @param df2 (k - 1)(N - 1)
 * @param imanDavenportPValue P(F >= F_F)
 */
public record Friedman(int rows, List<String> methods, List<Double> averageRanks, double chiSquare,
    double tieCorrection, double chiSquarePValue, double imanDavenportF, int df1, int df2,
    double imanDavenportPValue) implements Serializable {
  public Friedman {
    methods = List.copyOf(methods);
    averageRanks = List.copyOf(averageRanks);
  }

  /**
   * @param scores rows x methods, at least 2 of each
   * @return the test
   * @throws IllegalArgumentException for fewer than 2 rows or methods
   */
  public static Friedman of(ScoreMatrix scores) {
    Statistics.checkShape(scores);
    int n = scores.rowCount();
    int k = scores.methodCount();
    double[][] ranks = scores.ranks();
    double[] mean = Ranks.averages(ranks);
    double sumSquares = 0;
    for (double r : mean) {
      sumSquares += r * r;
    }
    double uncorrected = 12.0 * n / (k * (k + 1.0)) * (sumSquares - k * (k + 1.0) * (k + 1.0) / 4);
    double ties = 0;
    for (double[] row : ranks) {
      for (int t : Ranks.tieGroupSizes(row)) {
        ties += (double) t * t * t - t;
      }
    }
    double correction = 1 - ties / (n * k * (k * (double) k - 1));
    // every row one complete tie: nothing distinguishes the methods
    double chi2 = correction <= 0 ? 0.0 : Math.max(0.0, uncorrected / correction);
    double chiP = chi2 == 0 ? 1.0 : 1 - new ChiSquaredDistribution(k - 1).cumulativeProbability(chi2);
    int df1 = k - 1;
    int df2 = (k - 1) * (n - 1);
    double denominator = n * (k - 1.0) - chi2;
    double ff = denominator <= 1e-12 * n * k ? Double.POSITIVE_INFINITY : (n - 1) * chi2 / denominator;
    double ffP = Double.isInfinite(ff) ? 0.0 : 1 - new FDistribution(df1, df2).cumulativeProbability(ff);
    return new Friedman(n, scores.methods(), java.util.Arrays.stream(mean).boxed().toList(), chi2,
        correction <= 0 ? 0.0 : correction, chiP, ff, df1, df2, ffP);
  }
}
