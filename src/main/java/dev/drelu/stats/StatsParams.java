package dev.drelu.stats;

import java.io.Serializable;

/**
 * Levels of the tests.
 *
 * @param anovaAlpha level of ANOVA's critical F (the paper uses 0.01)
 * @param alpha level of the Friedman, Iman-Davenport and Nemenyi decisions
 */
public record StatsParams(double anovaAlpha, double alpha) implements Serializable {
  /** METHOD.md section 9: ANOVA at 0.01; Friedman and Nemenyi at the usual 0.05. */
  public static final StatsParams DEFAULT = new StatsParams(0.01, 0.05);

  /** @throws IllegalArgumentException if a level is not in (0, 1) */
  public StatsParams {
    Statistics.checkAlpha("anova alpha", anovaAlpha);
    Statistics.checkAlpha("alpha", alpha);
  }

  /** @return these levels with another Friedman/Nemenyi level */
  public StatsParams withAlpha(double a) {
    return new StatsParams(anovaAlpha, a);
  }

  /** @return these levels with another ANOVA level */
  public StatsParams withAnovaAlpha(double a) {
    return new StatsParams(a, alpha);
  }
}
