package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
  static final SummaryTable.Row GOOD = new SummaryTable.Row("dense-relu s1", "k1", 0.95, 0.97,
      Map.of("fgsm", 0.2, "cw", 0.0), Map.of("Linf 0.1", 0.2, "L2 18", 0.0), Map.of("cw", 1.25),
      0.0, Double.NaN, "no", "", 0.1, false, null);
  /** At chance: its robust cells are hidden. */
  static final SummaryTable.Row DEAD = new SummaryTable.Row("dense-wild s1", "k2", 0.12, 0.11,
      Map.of("fgsm", 0.99, "cw", 0.98), Map.of("Linf 0.1", 0.99, "L2 18", 0.98), Map.of("cw", 7.0),
      0.0, Double.NaN, "no", "", 0.1, true, null);

  /** Four examples, all correct clean; {@code broken} marks the ones the attack fooled. */
  private static AttackOutcome outcome(String name, boolean[] broken, double[] l2) {
    int n = broken.length;
    int[] index = new int[n];
    int[] label = new int[n];
    int[] adv = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
      adv[i] = broken[i] ? 1 : 0;
    }
    return new AttackOutcome(name, index, label, label.clone(), adv, new double[n], l2, new int[n], new int[n], 1);
  }

  @Test
  void aWorstCaseNeverMixesThreatModels() {
    AttackOutcome fgsm = outcome("fgsm", new boolean[] {true, false, false, false}, new double[4]);
    AttackOutcome pgd = outcome("pgd", new boolean[] {false, true, false, false}, new double[4]);
    AttackOutcome unbounded = outcome("cw-l2", new boolean[] {true, true, true, true}, new double[] {1, 2, 3, 9});
    // Linf 0.1: fgsm and pgd together break examples 0 and 1 of 4
    assertEquals(0.5, RobustnessMeasures.worstCase(List.of(fgsm, pgd)), 1e-12);
    // what the old single column gave: the loose L2 bound drags everything to zero
    assertEquals(0.0, RobustnessMeasures.worstCase(List.of(fgsm, pgd, unbounded)), 1e-12);
  }

  @Test
  void theMedianDistanceCountsOnlyTheExamplesTheAttackBroke() {
    AttackOutcome cw = outcome("cw-l2", new boolean[] {true, false, true, true}, new double[] {0.5, 0.0, 2.0, 1.0});
    assertEquals(1.0, RobustnessMeasures.medianL2OfBroken(cw), 1e-12);
    AttackOutcome even = outcome("cw-l2", new boolean[] {true, true, false, false}, new double[] {1.0, 2.0, 0, 0});
    assertEquals(1.5, RobustnessMeasures.medianL2OfBroken(even), 1e-12);
    assertTrue(Double.isNaN(RobustnessMeasures.medianL2OfBroken(outcome("cw-l2", new boolean[2], new double[2]))));
  }

  @Test
  void aModelIsAtChanceUntilItsCleanAccuracyIsSignificantlyAboveGuessing() {
    // 500 examples, 10 classes: the 1% one-sided limit is 10% + 2.33 x 1.34% = 13.1%
    assertTrue(RobustnessMeasures.atChance(0.129, 500, 10));
    assertFalse(RobustnessMeasures.atChance(0.14, 500, 10));
    assertTrue(RobustnessMeasures.atChance(0.55, 40, 2));
    assertFalse(RobustnessMeasures.atChance(0.9, 40, 2));
    assertFalse(RobustnessMeasures.atChance(Double.NaN, 500, 10), "no clean accuracy, no verdict");
  }

  @Test
  void theTableHasAWorstColumnPerThreatModelAMedianColumnAndHidesTheRobustCellsOfAModelAtChance() {
    SummaryTable t = new SummaryTable(List.of("fgsm", "cw"), List.of("Linf 0.1", "L2 18"), List.of("cw"),
        List.of(GOOD, DEAD));
    String md = t.toMarkdown();
    String header = md.lines().findFirst().orElseThrow();
    assertTrue(header.contains("| worst Linf 0.1 |") && header.contains("| worst L2 18 |")
        && header.contains("| cw med L2 |"), header);
    String goodLine = md.lines().filter(l -> l.startsWith("| dense-relu")).findFirst().orElseThrow();
    assertTrue(goodLine.contains("| 20.00 ") && goodLine.contains("| 1.250 "), goodLine);
    String deadLine = md.lines().filter(l -> l.startsWith("| dense-wild")).findFirst().orElseThrow();
    assertFalse(deadLine.contains("99.00") || deadLine.contains("98.00") || deadLine.contains("7.000"), deadLine);
    assertEquals(5, deadLine.split("\\| chance ", -1).length - 1, "fgsm, cw, the median and both worst cases: " + deadLine);
    assertTrue(deadLine.contains("| 11.00 "), "the clean accuracy stays: " + deadLine);
    assertTrue(t.evidence().startsWith("dense-wild s1: clean accuracy 11.00% is at chance (10.00% by guessing)"),
        t.evidence());
    assertTrue(t.toCsv().contains("dense-wild s1,fgsm,0.99,at-chance"), t.toCsv());
  }

  @Test
  void markdownAndCsvInFull() {
    SummaryTable.Row masked = new SummaryTable.Row("cnn-drelu s2", "k3", 0.9, 0.91,
        Map.of("fgsm", 0.5), Map.of("Linf 0.1", 0.45), Map.of(), 0.218, 1.1, "yes", "zero-grad", 0.1, false,
        new dev.drelu.attack.LipschitzEstimate.Summary("Linf 0.1", 100, 0.5, 2.0, 0.25, 1.0));
    SummaryTable t = new SummaryTable(List.of("fgsm", "cw"), List.of("Linf 0.1", "L2 18"), List.of("cw"),
        List.of(GOOD, DEAD, masked));
    assertEquals("""
        | model         | val   | clean | fgsm   | cw     | cw med L2 | worst Linf 0.1 | worst L2 18 | zero-grad | cap mean | lipschitz | masking? |
        |---------------|-------|-------|--------|--------|-----------|----------------|-------------|-----------|----------|-----------|----------|
        | dense-relu s1 | 95.00 | 97.00 | 20.00  | 0.00   | 1.250     | 20.00          | 0.00        | 0.00      | -        | -         | no       |
        | dense-wild s1 | 12.00 | 11.00 | chance | chance | chance    | chance         | chance      | 0.00      | -        | -         | no       |
        | cnn-drelu s2  | 90.00 | 91.00 | 50.00  | -      | -         | 45.00          | -           | 21.80     | 1.100    | 0.50/0.25 | yes      |
        """, t.toMarkdown());
    assertEquals("""
        model,metric,value,flags
        dense-relu s1,clean,0.97,
        dense-relu s1,fgsm,0.2,
        dense-relu s1,cw,0.0,
        dense-relu s1,cw med L2,1.25,
        dense-relu s1,worst Linf 0.1,0.2,
        dense-relu s1,worst L2 18,0.0,
        dense-wild s1,clean,0.11,at-chance
        dense-wild s1,fgsm,0.99,at-chance
        dense-wild s1,cw,0.98,at-chance
        dense-wild s1,cw med L2,7.0,at-chance
        dense-wild s1,worst Linf 0.1,0.99,at-chance
        dense-wild s1,worst L2 18,0.98,at-chance
        cnn-drelu s2,clean,0.91,masking
        cnn-drelu s2,fgsm,0.5,masking
        cnn-drelu s2,worst Linf 0.1,0.45,masking
        cnn-drelu s2,lipschitz searched Linf 0.1,0.5,masking
        cnn-drelu s2,lipschitz sampled Linf 0.1,0.25,masking
        """, t.toCsv());
  }
}
