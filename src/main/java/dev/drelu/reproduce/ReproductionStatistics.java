package dev.drelu.reproduce;

import dev.drelu.attack.Protocol;
import dev.drelu.paper.PaperTables;
import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.StatsParams;
import dev.drelu.stats.StatsResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The statistics of a reproduction, each over one source of numbers: the paper's printed cells,
 * drelu's faithful values, drelu's sound values. Faithful and sound numbers never share a test:
 * each {@link Outcome} is computed from one protocol's column only.
 *
 * @param paper recomputed from the paper's own numbers
 * @param faithful from drelu's faithful values (the paper's protocol)
 * @param sound from drelu's sound values
 */
public record ReproductionStatistics(Outcome paper, Outcome faithful, Outcome sound) {
  /** The source of the paper's printed numbers (the protocols are named by their keys). */
  public static final String PRINTED = "printed";

  /**
   * One source's statistics, or why there are none.
   *
   * @param source {@link #PRINTED}, or the protocol's key
   * @param result ANOVA, Friedman and Nemenyi, or null
   * @param missing why they could not be computed, or what they leave out ("" when neither)
   */
  public record Outcome(String source, StatsResult result, String missing) {}

  public static ReproductionStatistics of(PaperTables paper, ReproductionTable table, StatsParams params) {
    Outcome printed;
    try {
      printed = new Outcome(PRINTED, Statistics.analyse(paper.accuracies(table.table()), params), "");
    } catch (IllegalArgumentException e) {
      printed = new Outcome(PRINTED, null, e.getMessage());
    }
    return new ReproductionStatistics(printed, of(Protocol.PAPER, table, ReproductionTable.Row::faithful, params),
        of(Protocol.SOUND, table, ReproductionTable.Row::sound, params));
  }

  /**
   * @return the statistics over one protocol's values of the table (every value from that
   *     protocol's run); an architecture with a paper cell the spec has no value for is left out
   *     whole (a block of the tests must have every method), and the outcome says so
   */
  static Outcome of(Protocol protocol, ReproductionTable table, ToDoubleFunction<ReproductionTable.Row> value,
      StatsParams params) {
    Set<String> incomplete = new LinkedHashSet<>();
    table.rows().stream().filter(r -> Double.isNaN(value.applyAsDouble(r)))
        .forEach(r -> incomplete.add(r.architecture()));
    String left = incomplete.isEmpty() ? "" : "left out (a paper cell without a "
        + (protocol == Protocol.PAPER ? "faithful" : "sound") + " value): " + String.join(", ", incomplete);
    try {
      List<AccuracyTable.Row> rows = new ArrayList<>();
      for (ReproductionTable.Row r : table.rows()) {
        if (!incomplete.contains(r.architecture())) {
          rows.add(new AccuracyTable.Row(r.architecture(), r.method(), r.metric(), value.applyAsDouble(r) / 100,
              protocol.key()));
        }
      }
      if (rows.isEmpty()) {
        return new Outcome(protocol.key(), null, left);
      }
      AccuracyTable t = new AccuracyTable(rows);
      if (!Statistics.applicable(t)) {
        return new Outcome(protocol.key(), null, "too few methods or blocks for the tests" + (left.isEmpty() ? ""
            : "; " + left));
      }
      return new Outcome(protocol.key(), Statistics.analyse(t, params), left);
    } catch (IllegalArgumentException e) {
      return new Outcome(protocol.key(), null, e.getMessage());
    }
  }
}
