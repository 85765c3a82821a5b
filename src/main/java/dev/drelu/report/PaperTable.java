package dev.drelu.report;

import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.Ranks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accuracy in the paper's form: one line per architecture and method, one column per metric
 * (clean, then each attack), each cell the mean over seeds with its standard deviation and the
 * method's rank within the architecture for that metric; the best of each is marked.
 *
 * @param metrics column order
 * @param lines architecture-major, methods in input order
 */
public record PaperTable(List<String> metrics, List<Line> lines) implements Serializable {
  public PaperTable {
    metrics = List.copyOf(metrics);
    lines = List.copyOf(lines);
  }

  /**
   * One architecture and method.
   *
   * @param cells one per metric, null where the architecture lacks that metric
   */
  public record Line(String architecture, String method, List<Cell> cells) implements Serializable {
    public Line {
      cells = java.util.Collections.unmodifiableList(new ArrayList<>(cells));
    }
  }

  /**
   * One accuracy.
   *
   * @param mean mean over seeds, a fraction
   * @param std sample standard deviation over seeds (0 with one seed)
   * @param seeds number of seeds
   * @param rank rank among the architecture's methods, 1 = best, ties averaged
   * @param best whether the rank is the best (ties for first included)
   */
  public record Cell(double mean, double std, int seeds, double rank, boolean best) implements Serializable {}

  /** @return the table of {@code table}, ranks per architecture and metric */
  public static PaperTable of(AccuracyTable table) {
    Map<AccuracyTable.Cell, AccuracyTable.SeedStats> cells = table.cells();
    List<String> methods = table.methods();
    List<Line> lines = new ArrayList<>();
    for (String a : table.architectures()) {
      List<List<Cell>> byMethod = new ArrayList<>();
      methods.forEach(m -> byMethod.add(new ArrayList<>()));
      for (String metric : table.metrics()) {
        if (!table.metrics(a).contains(metric)) {
          byMethod.forEach(c -> c.add(null));
          continue;
        }
        double[] means = new double[methods.size()];
        for (int j = 0; j < means.length; j++) {
          means[j] = cells.get(new AccuracyTable.Cell(a, methods.get(j), metric)).mean();
        }
        double[] ranks = Ranks.descending(means);
        double bestRank = java.util.Arrays.stream(ranks).min().orElse(1);
        for (int j = 0; j < means.length; j++) {
          AccuracyTable.SeedStats s = cells.get(new AccuracyTable.Cell(a, methods.get(j), metric));
          byMethod.get(j).add(new Cell(s.mean(), s.std(), s.n(), ranks[j], ranks[j] == bestRank));
        }
      }
      for (int j = 0; j < methods.size(); j++) {
        lines.add(new Line(a, methods.get(j), byMethod.get(j)));
      }
    }
    return new PaperTable(table.metrics(), lines);
  }

  /** @return whether any cell averages more than one seed (then the std is shown) */
  public boolean hasSeeds() {
    return lines.stream().flatMap(l -> l.cells().stream()).anyMatch(c -> c != null && c.seeds() > 1);
  }
}
