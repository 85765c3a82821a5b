package dev.drelu.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.Norm;
import dev.drelu.attack.ThreatModel;
import dev.drelu.paper.PaperCell;
import dev.drelu.paper.PaperTables;
import dev.drelu.pipeline.SummaryTable;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.StatsParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lines paper cells up with drelu's values: by architecture and method, seeds averaged; sound
 * values are worst cases in the cell's threat model; a model flagged for masking marks every
 * number of its row; each statistic is computed from one protocol's values only.
 */
class ReproductionTableTest {
  private static final PaperTables PAPER = PaperTables.load();
  private static final List<String> METHODS = List.of("at", "trades-1", "trades-6", "drelu");
  private static final ThreatModel LINF = new ThreatModel(Norm.LINF, 0.1);
  private static final ThreatModel L2 = new ThreatModel(Norm.L2, 0.25);

  /** Dense rows only: two seeds of each method; the Shallow CNN has no model. */
  private static Map<String, PaperRowOf> rowOf() {
    Map<String, PaperRowOf> m = new HashMap<>();
    for (String method : METHODS) {
      for (int seed = 1; seed <= 2; seed++) {
        m.put(key(method, seed), new PaperRowOf("dense-" + method, "dense", method, Double.NaN));
      }
    }
    m.put("relu-1", new PaperRowOf("dense-relu", "dense", "relu", Double.NaN)); // no row of the paper
    return m;
  }

  private static String key(String method, int seed) {
    return method + "-" + seed;
  }

  /**
   * @param base a value per method index; faithful gets base + seed offset, sound its reverse so
   *     the two protocols rank the methods oppositely
   */
  private static SummaryTable table(boolean faithful, String flaggedMethod) {
    List<SummaryTable.Row> rows = new ArrayList<>();
    for (int i = 0; i < METHODS.size(); i++) {
      for (int seed = 1; seed <= 2; seed++) {
        double v = faithful ? 0.4 + 0.1 * i + 0.01 * seed : 0.5 - 0.1 * i + 0.01 * seed;
        Map<String, Double> acc = new HashMap<>();
        for (String attack : List.of("fgsm", "pgd", "apgd-ce", "apgd-dlr", "cw-l2")) {
          acc.put(attack, v);
        }
        Map<String, Double> worst = Map.of(LINF.label(), v - 0.05, L2.label(), v - 0.02);
        String method = METHODS.get(i);
        boolean flagged = method.equals(flaggedMethod);
        rows.add(new SummaryTable.Row("dense-" + method + " s" + seed, key(method, seed), 0.9, v + 0.1, acc, worst,
            Map.of(), 0, Double.NaN, flagged ? "yes" : "no", flagged ? "zero-input-gradients: 40%" : "", 0.1,
            false, null));
      }
    }
    rows.add(new SummaryTable.Row("dense-relu s1", "relu-1", 0.9, 0.9, Map.of(), Map.of(), Map.of(), 0, Double.NaN,
        "no", "", 0.1, false, null));
    return new SummaryTable(List.of("fgsm"), List.of(LINF.label(), L2.label()), List.of(), rows);
  }

  private static ReproductionTable reproduction() {
    return ReproductionTable.of(1, PAPER.table(1), table(true, null), table(false, "drelu"), rowOf(),
        metric -> metric.equals("cw-l2") ? L2 : LINF);
  }

  @Test
  void everyPaperCellGetsItsPrintedValueAndTheMeanOverSeeds() {
    ReproductionTable t = reproduction();
    List<PaperCell> cells = PAPER.table(1);
    assertEquals(cells.size(), t.rows().size());
    for (int i = 0; i < cells.size(); i++) {
      PaperCell c = cells.get(i);
      ReproductionTable.Row r = t.rows().get(i);
      assertEquals(c.accuracy(), r.paper(), c.toString());
      assertEquals(List.of(c.architecture(), c.method(), c.metric()), List.of(r.architecture(), r.method(), r.metric()));
      if (c.architecture().equals("shallow-cnn")) {
        assertFalse(r.hasModel());
        assertTrue(Double.isNaN(r.faithful()) && Double.isNaN(r.sound()), "no model, no value: " + r);
        continue;
      }
      int m = METHODS.indexOf(c.method());
      double faithful = 100 * (0.4 + 0.1 * m + 0.015); // seeds 1 and 2 averaged
      double sound = 100 * (0.5 - 0.1 * m + 0.015);
      if (c.metric().equals("clean")) {
        assertEquals(faithful + 10, r.faithful(), 1e-9);
        assertEquals(sound + 10, r.sound(), 1e-9);
      } else {
        assertEquals(faithful, r.faithful(), 1e-9, r.toString());
        double margin = c.metric().equals("cw-l2") ? 2 : 5; // the worst case of the cell's own threat model
        assertEquals(sound - margin, r.sound(), 1e-9, r.toString());
        assertEquals(faithful - margin, r.faithfulWorst(), 1e-9, r.toString());
      }
      assertEquals(r.faithful() - r.paper(), r.faithfulMinusPaper(), 1e-12);
      assertEquals(r.sound() - r.faithful(), r.soundMinusFaithful(), 1e-12);
      assertEquals("dense-" + c.method() + " s1,dense-" + c.method() + " s2", r.models());
    }
  }

  @Test
  void numbersOfAFlaggedModelCarryTheFlagInEveryTable() {
    ReproductionTable t = reproduction();
    String markdown = ReproductionWriter.markdown(t, ReproductionStatistics.of(PAPER, t, StatsParams.DEFAULT),
        new ReproductionWriter.Context("spec.yaml", java.nio.file.Path.of("p"), java.nio.file.Path.of("s"),
            List.of("pgd"), List.of("apgd-ce"), List.of()));
    String csv = ReproductionWriter.csv(t);
    int flaggedRows = 0;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("| dense | drelu |")) {
        flaggedRows++;
        String[] cells = line.split("\\|");
        for (int c = 7; c <= 11; c++) { // faithful .. sound - faithful (the paper's own number is not ours)
          assertTrue(cells[c].strip().endsWith(ReproductionWriter.FLAG.strip()), "cell " + c + " of " + line);
        }
      } else if (line.startsWith("| dense |")) {
        assertFalse(line.contains(ReproductionWriter.FLAG.strip()), line);
      }
    }
    assertEquals(6, flaggedRows);
    assertEquals(6, csv.lines().filter(l -> l.startsWith("1,dense,drelu,") && l.endsWith(",masking")).count(), csv);
    assertTrue(markdown.contains("zero-input-gradients: 40%"), "the evidence is shown");
    // the flag travels into drelu's statistics (both protocols), never into the paper's own
    String note = "Flagged (masking?): the values of drelu rest on models the sound diagnostics flag";
    String statistics = markdown.substring(markdown.indexOf("## Statistics"));
    assertEquals(2, statistics.split(java.util.regex.Pattern.quote(note), -1).length - 1, statistics);
    String printed = statistics.substring(0, statistics.indexOf("### ", statistics.indexOf("### ") + 4));
    assertFalse(printed.contains(note), printed);
  }

  @Test
  void eachStatisticUsesOneProtocolsValues() {
    ReproductionTable t = reproduction();
    ReproductionStatistics s = ReproductionStatistics.of(PAPER, t, StatsParams.DEFAULT);
    var printed = Statistics.analyse(PAPER.accuracies(1), StatsParams.DEFAULT);
    assertEquals(printed.friedman(), s.paper().result().friedman());
    assertEquals(printed.anova(), s.paper().result().anova());
    // faithful ranks drelu first everywhere, sound ranks it last: mixing would tie them
    List<Double> faithfulRanks = s.faithful().result().friedman().averageRanks();
    List<Double> soundRanks = s.sound().result().friedman().averageRanks();
    assertEquals(METHODS, s.faithful().result().friedman().methods());
    assertEquals(1.0, faithfulRanks.get(METHODS.indexOf("drelu")), 1e-12);
    assertEquals(4.0, soundRanks.get(METHODS.indexOf("drelu")), 1e-12);
    assertTrue(s.faithful().missing().contains("shallow-cnn"), "the architecture without models is left out");
  }
}
