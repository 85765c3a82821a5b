package dev.drelu.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.Ranks;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.StatsParams;
import dev.drelu.stats.StatsResult;
import dev.drelu.stats.TableFormatException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped paper data against what the paper and its README say of it. */
class PaperTablesTest {
  private final PaperTables paper = PaperTables.load();

  @Test
  void everyPrintedCellOfTablesOneToNineIsShipped() {
    assertEquals(876, paper.cells().size());
    for (int t = 1; t <= 9; t++) {
      assertTrue(!paper.table(t).isEmpty(), "table " + t);
    }
    assertEquals(List.of("mnist"), paper.table(1).stream().map(PaperCell::dataset).distinct().toList());
  }

  @Test
  void theBalancerOfEveryDreluModelIsTheOneTheReadmeLists() {
    Map<String, Map<String, Double>> expected = Map.of(
        "mnist", Map.of("dense", 1e2, "shallow-cnn", 1e-1),
        "cifar10", Map.of("dense", 1e-7, "shallow-cnn", 1.0, "resnet50", 1e4, "resnet101", 1e4, "mobilenetv2", 1e2,
            "inceptionv3", 1e2),
        "cifar100", Map.of("dense", 1e-1, "shallow-cnn", 1.0, "resnet50", 1e2, "resnet101", 1.0, "mobilenetv2", 1.0,
            "inceptionv3", 1e2),
        "tiny-imagenet", Map.of("dense", 1e-1, "shallow-cnn", 1.0, "resnet50", 1.0, "resnet101", 1.0,
            "mobilenetv2", 1.0, "inceptionv3", 1.0));
    assertEquals(expected, paper.lambdas());
    // one lambda per model: no row of a model prints another
    paper.cells().stream().filter(c -> c.lambda().isPresent()).forEach(c ->
        assertEquals(paper.lambda(c.dataset(), c.architecture()).getAsDouble(), c.lambda().getAsDouble(), 0.0,
            "line " + c.line()));
  }

  @Test
  void tableTwoRecomputedFromItsAccuraciesGivesThePapersFriedmanStatistics() {
    StatsResult stats = Statistics.analyse(paper.accuracies(2), StatsParams.DEFAULT);
    assertEquals(36, stats.friedman().rows());
    assertEquals(39.43, stats.friedman().chiSquare(), 0.005);
    assertEquals(20.13, stats.friedman().imanDavenportF(), 0.005);
    // the paper's critical difference (0.656) does not follow from the standard q value
    assertEquals(0.782, stats.nemenyi().criticalDifference(), 0.0005);
  }

  @Test
  void thirtySixPrintedRanksDisagreeWithTheAccuraciesTheyRank() {
    Map<List<Object>, List<PaperCell>> groups = paper.cells().stream()
        .filter(c -> c.table() <= 4)
        .collect(Collectors.groupingBy(c -> List.of(c.table(), c.dataset(), c.architecture(), c.metric())));
    groups.putAll(paper.cells().stream().filter(c -> c.table() >= 5)
        .collect(Collectors.groupingBy(c -> List.of(c.table(), c.dataset(), c.architecture(), c.metric()))));
    int wrong = 0;
    int wrongInTableTwo = 0;
    for (List<PaperCell> group : groups.values()) {
      double[] accuracies = group.stream().mapToDouble(PaperCell::accuracy).toArray();
      double[] ranks = Ranks.descending(accuracies);
      for (int i = 0; i < group.size(); i++) {
        if (Math.abs(ranks[i] - group.get(i).rank()) > 1e-9) {
          wrong++;
          wrongInTableTwo += group.get(i).table() == 2 ? 1 : 0;
        }
      }
    }
    assertEquals(36, wrong);
    assertEquals(30, wrongInTableTwo);
  }

  @Test
  void aDamagedCopyIsRefusedWithItsLineNumbers() {
    String text = String.join("\n", "table,dataset,architecture,method,lambda,metric,accuracy,rank",
        "1,mnist,dense,at,,clean,98.10,1", "1,mnist,dense,drelu,1e2,clean,ninety,2", "x,mnist,dense,at,,pgd,1,1");
    TableFormatException e = assertThrows(TableFormatException.class, () -> PaperTables.parse(text, "p.csv"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("p.csv:3: "), e.problems().get(0));
    assertTrue(e.problems().get(1).startsWith("p.csv:4: "), e.problems().get(1));
    TableFormatException header = assertThrows(TableFormatException.class,
        () -> PaperTables.parse("table,dataset\n1,mnist\n", "p.csv"));
    assertTrue(header.getMessage().contains("missing columns [architecture, method, lambda, metric, accuracy, rank]"),
        header.getMessage());
  }

  @Test
  void aTableSpanningDatasetsKeepsItsBlocksApart() {
    AccuracyTable square = paper.accuracies(5);
    assertTrue(square.architectures().contains("cifar10/resnet50"), square.architectures().toString());
  }
}
