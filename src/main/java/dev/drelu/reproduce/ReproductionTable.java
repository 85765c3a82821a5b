package dev.drelu.reproduce;

import dev.drelu.attack.ThreatModel;
import dev.drelu.paper.PaperCell;
import dev.drelu.pipeline.SummaryTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One line per cell of the paper's table: the printed value beside drelu's faithful and sound
 * values for the spec's models of that row (seeds averaged), in percent.
 *
 * @param table the paper's table number
 * @param rows one per paper cell, in the paper's order
 */
public record ReproductionTable(int table, List<Row> rows) {
  /** The masking verdict of a model the sound diagnostics flag. */
  public static final String FLAGGED = "yes";

  public ReproductionTable {
    rows = List.copyOf(rows);
  }

  /**
   * One paper cell.
   *
   * @param architecture the paper's architecture
   * @param method the paper's method
   * @param metric clean or the attack
   * @param threatModel the ball its number is measured in ("Linf 0.1"), "" for clean
   * @param paper the printed accuracy (%)
   * @param models the spec's models of this row, or "" when the spec has none (every value NaN)
   * @param faithful accuracy under the paper-protocol attack of this name (%; clean: on the faithful sample)
   * @param faithfulWorst per-example worst case of the faithful attacks in this threat model (%)
   * @param sound per-example worst case of the sound attacks in this threat model (%; clean: on
   *     the sound sample)
   * @param masking the sound diagnostics' verdict on the row's models: "yes", "no" or "-" (not run)
   * @param evidence the checks that fired, or ""
   */
  public record Row(String architecture, String method, String metric, String threatModel, double paper,
      String models, double faithful, double faithfulWorst, double sound, String masking, String evidence) {
    /** @return faithful - paper, in points */
    public double faithfulMinusPaper() {
      return faithful - paper;
    }

    /** @return sound - faithful, in points */
    public double soundMinusFaithful() {
      return sound - faithful;
    }

    /** @return true if a number of this row rests on a model flagged for gradient masking */
    public boolean flagged() {
      return FLAGGED.equals(masking);
    }

    /** @return true if the spec has a model for this paper row */
    public boolean hasModel() {
      return !models.isEmpty();
    }
  }

  /**
   * @param cells the paper table's cells
   * @param faithful the faithful run's table
   * @param sound the sound run's table
   * @param rowOf by model key: which paper row each trained model stands for
   * @param threatModelOf by metric: the faithful attack's threat model (null for clean or an
   *     attack the faithful run lacks)
   */
  public static ReproductionTable of(int table, List<PaperCell> cells, SummaryTable faithful, SummaryTable sound,
      Map<String, PaperRowOf> rowOf, Function<String, ThreatModel> threatModelOf) {
    List<Row> rows = new ArrayList<>();
    for (PaperCell c : cells) {
      ThreatModel t = "clean".equals(c.metric()) ? null : threatModelOf.apply(c.metric());
      String threat = t == null ? "" : t.label();
      List<SummaryTable.Row> f = matching(faithful, c, rowOf);
      List<SummaryTable.Row> s = matching(sound, c, rowOf);
      Set<String> names = new LinkedHashSet<>();
      f.forEach(r -> names.add(r.model()));
      double faithfulValue = mean(f, r -> "clean".equals(c.metric()) ? r.clean()
          : r.accuracy().getOrDefault(c.metric(), Double.NaN));
      double faithfulWorst = "clean".equals(c.metric()) ? faithfulValue
          : mean(f, r -> r.worstCase().getOrDefault(threat, Double.NaN));
      double soundValue = mean(s, r -> "clean".equals(c.metric()) ? r.clean()
          : r.worstCase().getOrDefault(threat, Double.NaN));
      rows.add(new Row(c.architecture(), c.method(), c.metric(), threat, c.accuracy(), String.join(",", names),
          faithfulValue, faithfulWorst, soundValue, verdict(s), evidence(s)));
    }
    return new ReproductionTable(table, rows);
  }

  private static List<SummaryTable.Row> matching(SummaryTable t, PaperCell c, Map<String, PaperRowOf> rowOf) {
    return t.rows().stream().filter(r -> {
      PaperRowOf p = rowOf.get(r.modelKey());
      return p != null && p.architecture().equals(c.architecture()) && p.method().equals(c.method());
    }).toList();
  }

  /** @return the mean in percent over the rows (seeds), NaN when there are none */
  private static double mean(List<SummaryTable.Row> rows, ToDoubleFunction<SummaryTable.Row> value) {
    return rows.isEmpty() ? Double.NaN : 100 * rows.stream().mapToDouble(value).average().orElse(Double.NaN);
  }

  private static String verdict(List<SummaryTable.Row> rows) {
    if (rows.stream().anyMatch(r -> FLAGGED.equals(r.masking()))) {
      return FLAGGED;
    }
    return rows.stream().anyMatch(r -> "no".equals(r.masking())) ? "no" : "-";
  }

  private static String evidence(List<SummaryTable.Row> rows) {
    List<String> out = new ArrayList<>();
    rows.stream().filter(r -> FLAGGED.equals(r.masking()) && !r.evidence().isEmpty())
        .forEach(r -> out.add(r.model() + ": " + r.evidence()));
    rows.stream().filter(SummaryTable.Row::atChance).forEach(r -> out.add(r.model() + ": clean accuracy at chance"));
    return String.join("; ", out);
  }
}
