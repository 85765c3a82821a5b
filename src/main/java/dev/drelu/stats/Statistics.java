package dev.drelu.stats;

/**
 * Runs the statistics of METHOD.md section 9 over an accuracy table. The pipeline's stats
 * stage, {@code drelu stats} and the report all call {@link #analyse}.
 */
public final class Statistics {
  private Statistics() {}

  /**
   * @param table accuracies; seeds are averaged first
   * @param params test levels
   * @return ANOVA, Friedman with Iman-Davenport, and Nemenyi over rows = architecture x metric
   * @throws IllegalArgumentException if the table has fewer than 2 methods or 2 rows
   */
  public static StatsResult analyse(AccuracyTable table, StatsParams params) {
    return analyse(table.meanMatrix(), params);
  }

  /**
   * @param scores rows x methods
   * @param params test levels
   * @return every test
   * @throws IllegalArgumentException if there are fewer than 2 methods or 2 rows
   */
  public static StatsResult analyse(ScoreMatrix scores, StatsParams params) {
    Friedman friedman = Friedman.of(scores);
    return new StatsResult(scores, Anova.of(scores, params.anovaAlpha()), friedman,
        Nemenyi.of(friedman, params.alpha()));
  }

  /** @return whether {@link #analyse} can run on this table (2+ methods, 2+ rows) */
  public static boolean applicable(AccuracyTable table) {
    return table.methods().size() >= 2 && table.meanMatrix().rowCount() >= 2;
  }

  static void checkShape(ScoreMatrix scores) {
    if (scores.methodCount() < 2) {
      throw new IllegalArgumentException("the statistics need at least 2 methods to compare, but the table has "
          + scores.methodCount() + ": " + scores.methods());
    }
    if (scores.rowCount() < 2) {
      throw new IllegalArgumentException("the statistics need at least 2 rows (architecture x metric), but the "
          + "table has " + scores.rowCount() + ": " + scores.rowLabels());
    }
  }

  static void checkAlpha(String name, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), but was: " + alpha);
    }
  }
}
