package dev.drelu.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values from SciPy 1.17.1, produced once by
 * src/test/resources/dev/drelu/stats/expected_values.py: {@code scipy.stats.f_oneway} (F, p),
 * {@code scipy.stats.f.isf(0.01, k-1, k(N-1))} (critical F), {@code scipy.stats.friedmanchisquare}
 * (chi2, p; tie-corrected), F_F from that chi2 with {@code scipy.stats.f.sf} for its p-value, and
 * {@code scipy.stats.rankdata(-row)} for the mean ranks.
 */
class StatisticsTest {
  /** Table A: 6 rows x 4 methods, no ties. */
  static final double[][] A = {
      {0.951, 0.967, 0.940, 0.955},
      {0.181, 0.528, 0.300, 0.210},
      {0.102, 0.313, 0.250, 0.120},
      {0.975, 0.979, 0.970, 0.972},
      {0.814, 0.906, 0.850, 0.820},
      {0.568, 0.748, 0.700, 0.600}};

  /** Table B: 5 rows x 3 methods with ties inside rows. */
  static final double[][] B = {
      {0.50, 0.50, 0.40},
      {0.70, 0.80, 0.80},
      {0.30, 0.20, 0.10},
      {0.90, 0.95, 0.90},
      {0.60, 0.65, 0.62}};

  static ScoreMatrix matrix(double[][] values) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add("r" + i);
    }
    List<String> methods = new ArrayList<>();
    for (int j = 0; j < values[0].length; j++) {
      methods.add("m" + j);
    }
    return new ScoreMatrix(rows, methods, values);
  }

  @Test
  void tableAWithoutTiesMatchesScipy() {
    StatsResult s = Statistics.analyse(matrix(A), StatsParams.DEFAULT);
    assertEquals(0.21553195642703812, s.anova().f(), 1e-6);
    assertEquals(0.884453166023313, s.anova().pValue(), 1e-6);
    assertEquals(4.938193382310538, s.anova().criticalF(), 1e-6);
    assertEquals(3, s.anova().dfBetween());
    assertEquals(20, s.anova().dfWithin());
    assertFalse(s.anova().significant());
    assertEquals(12.200000000000003, s.friedman().chiSquare(), 1e-6);
    assertEquals(0.006728522930461357, s.friedman().chiSquarePValue(), 1e-6);
    assertEquals(10.517241379310352, s.friedman().imanDavenportF(), 1e-6);
    assertEquals(0.0005612964689803293, s.friedman().imanDavenportPValue(), 1e-6);
    assertEquals(1.0, s.friedman().tieCorrection());
    assertEquals(List.of(3.5, 1.0, 2.6666666666666665, 2.8333333333333335), s.friedman().averageRanks());
    assertEquals(15, s.friedman().df2());
  }

  @Test
  void tableBWithTiesMatchesScipysTieCorrectedChiSquare() {
    StatsResult s = Statistics.analyse(matrix(B), StatsParams.DEFAULT);
    assertEquals(0.05102859798082202, s.anova().f(), 1e-6);
    assertEquals(0.9504565533538939, s.anova().pValue(), 1e-6);
    assertEquals(6.926608140191301, s.anova().criticalF(), 1e-6);
    assertEquals(3.2941176470588287, s.friedman().chiSquare(), 1e-6);
    assertEquals(0.1926155927738396, s.friedman().chiSquarePValue(), 1e-6);
    assertEquals(1.964912280701759, s.friedman().imanDavenportF(), 1e-6);
    assertEquals(0.2022198201649878, s.friedman().imanDavenportPValue(), 1e-6);
    assertEquals(0.85, s.friedman().tieCorrection(), 1e-12); // 1 - 3 ties of 2 * 6 / (5 * 3 * 8)
    assertArrayEquals(new double[] {2.2, 1.4, 2.4},
        s.friedman().averageRanks().stream().mapToDouble(Double::doubleValue).toArray(), 1e-12);
  }

  @Test
  void nemenyiCriticalDifferenceFollowsDemsar() {
    // Demsar 2006, section 3.2.2 example: k = 4 methods, N = 14 data sets, CD(0.05) = 1.25
    double[][] values = new double[14][4];
    for (int i = 0; i < 14; i++) {
      values[i] = new double[] {0.9 - 0.01 * (i % 3), 0.8, 0.7 + 0.001 * i, 0.5};
    }
    Nemenyi n = Statistics.analyse(matrix(values), StatsParams.DEFAULT).nemenyi();
    // q = scipy.stats.studentized_range.ppf(0.95, 4, inf) / sqrt(2); Demsar's table: 2.569
    double q = 3.6331595749026278 / Math.sqrt(2);
    assertEquals(q, n.qAlpha(), 1e-9);
    assertEquals(2.569, n.qAlpha(), 5e-4);
    assertEquals(q * Math.sqrt(4 * 5 / (6.0 * 14)), n.criticalDifference(), 1e-9);
    assertEquals(1.25, n.criticalDifference(), 5e-3);
    // ranks 1, 2, 3, 4 in every row: neighbours (1 apart) do not differ, 2 apart do
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0), n.averageRanks());
    assertEquals(List.of("m0 vs m2", "m0 vs m3", "m1 vs m3"),
        n.differingPairs().stream().map(p -> p.a() + " vs " + p.b()).toList());
    assertEquals(List.of(List.of("m0", "m1"), List.of("m1", "m2"), List.of("m2", "m3")), n.cliques());
  }

  @Test
  void nemenyiQForTwoMethodsIsTheNormalQuantile() {
    Friedman f = Friedman.of(matrix(new double[][] {{1, 0}, {0, 1}, {1, 0.5}}));
    assertEquals(1.959963984540054, Nemenyi.of(f, 0.05).qAlpha(), 1e-9); // z_{0.975}
    assertEquals(2.5758293035489004, Nemenyi.of(f, 0.01).qAlpha(), 1e-9); // z_{0.995}
  }

  @Test
  void perfectAgreementGivesInfiniteImanDavenport() {
    Friedman f = Friedman.of(matrix(new double[][] {{0.9, 0.5}, {0.8, 0.4}, {0.7, 0.1}}));
    assertEquals(3.0, f.chiSquare(), 1e-12); // N (k - 1)
    assertTrue(Double.isInfinite(f.imanDavenportF()));
    assertEquals(0.0, f.imanDavenportPValue());
  }

  @Test
  void everyRowTiedGivesNoEvidence() {
    Friedman f = Friedman.of(matrix(new double[][] {{0.5, 0.5}, {0.7, 0.7}}));
    assertEquals(0.0, f.chiSquare());
    assertEquals(1.0, f.chiSquarePValue());
    assertEquals(List.of(1.5, 1.5), f.averageRanks());
  }

  @Test
  void ranksGiveOneToTheBestAndAverageTies() {
    assertArrayEquals(new double[] {2.5, 1, 2.5, 4}, Ranks.descending(new double[] {0.5, 0.9, 0.5, 0.1}));
    // means that differ by an ulp are a tie
    assertArrayEquals(new double[] {1.5, 1.5}, Ranks.descending(new double[] {0.3, 0.1 + 0.2}));
  }

  @Test
  void seedsAreAveragedBeforeRanking() {
    List<AccuracyTable.Row> rows = new ArrayList<>();
    for (String seed : List.of("1", "2")) {
      double shift = seed.equals("1") ? 0.1 : -0.1;
      rows.add(new AccuracyTable.Row("dense", "relu", "clean", 0.5 + shift, seed));
      rows.add(new AccuracyTable.Row("dense", "drelu", "clean", 0.55, seed));
      rows.add(new AccuracyTable.Row("dense", "relu", "pgd", 0.2, seed));
      rows.add(new AccuracyTable.Row("dense", "drelu", "pgd", 0.1 - shift / 2, seed));
    }
    AccuracyTable table = new AccuracyTable(rows);
    ScoreMatrix m = table.meanMatrix();
    assertEquals(List.of("dense / clean", "dense / pgd"), m.rowLabels());
    assertArrayEquals(new double[] {0.5, 0.55}, m.values()[0], 1e-12);
    assertEquals(0.1414213562373095, table.cells().get(new AccuracyTable.Cell("dense", "relu", "clean")).std(), 1e-12);
    assertEquals(List.of(1.5, 1.5), Statistics.analyse(table, StatsParams.DEFAULT).friedman().averageRanks());
  }

  @Test
  void tooSmallTablesAndBadLevelsAreRefusedByName() {
    var e = assertThrows(IllegalArgumentException.class, () -> Friedman.of(matrix(new double[][] {{0.1}, {0.2}})));
    assertTrue(e.getMessage().contains("at least 2 methods"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Anova.of(matrix(new double[][] {{0.1, 0.2}}), 0.01));
    assertTrue(e.getMessage().contains("at least 2 rows"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new StatsParams(0.01, 1.5));
    assertTrue(e.getMessage().startsWith("alpha must be in (0, 1), but was: 1.5"), e.getMessage());
  }

  @Test
  void markdownNamesEveryTestAndTheDifferingPairs() {
    String text = StatsText.markdown(Statistics.analyse(matrix(A), StatsParams.DEFAULT));
    assertTrue(text.contains("| ANOVA | F = 0.2155 | (3, 20) | 0.8845 |"), text);
    assertTrue(text.contains("| Friedman | chi2 = 12.2000 | 3 | 0.0067 | differ |"), text);
    assertTrue(text.contains("| Iman-Davenport | F_F = 10.5172 | (3, 15) |"), text);
    assertTrue(text.contains("- m0 vs m1: 2.5000"), text);
  }
}
