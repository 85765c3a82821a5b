package dev.drelu.pipeline;

import dev.drelu.attack.LipschitzEstimate;
import dev.drelu.report.MarkdownTable;
import dev.drelu.report.TextTable;
import dev.drelu.stats.CsvWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline's result table: one row per trained model, accuracy clean and under each attack,
 * the per-example worst case within each threat model, and the masking signs beside them.
 *
 * @param attacks attack names, in column order
 * @param threatModels the threat models present ("Linf 0.1"), in order of first appearance: one
 *     worst-case column each
 * @param minimumDistance the minimum-distance attacks (CW-L2): each also gets a column with the
 *     median L2 distance of the examples it broke
 */
public record SummaryTable(List<String> attacks, List<String> threatModels, List<String> minimumDistance,
    List<Row> rows) implements Serializable {
  public SummaryTable {
    attacks = List.copyOf(attacks);
    threatModels = List.copyOf(threatModels);
    minimumDistance = List.copyOf(minimumDistance);
    rows = List.copyOf(rows);
  }

  /**
   * One model.
   *
   * @param accuracy by attack name (absent if the attack did not run)
   * @param worstCase by threat model: share correct clean and under every attack of that threat
   *     model, joined per example
   * @param medianL2 by minimum-distance attack: median L2 distance of the examples it broke (NaN
   *     when it broke none)
   * @param zeroGradientFraction share of test inputs with an exactly zero input gradient
   * @param capMean mean learned cap (NaN without D-ReLU)
   * @param masking "yes" when the diagnostics suspect gradient masking, "no", or "-" when not run
   * @param evidence the failed checks, or ""
   * @param chance the accuracy of guessing, 1 / classes
   * @param atChance true when the clean accuracy is not significantly above chance: robust
   *     accuracies of such a model mean nothing and are not shown
   * @param lipschitz the model's empirical local Lipschitz estimates, null when none were made
   */
  public record Row(String model, String modelKey, double validationAccuracy, double clean,
      Map<String, Double> accuracy, Map<String, Double> worstCase, Map<String, Double> medianL2,
      double zeroGradientFraction, double capMean, String masking, String evidence, double chance, boolean atChance,
      LipschitzEstimate.Summary lipschitz) implements Serializable {
    public Row {
      accuracy = Map.copyOf(accuracy);
      worstCase = Map.copyOf(worstCase);
      medianL2 = Map.copyOf(medianL2);
    }
  }

  /** What a robust cell of a model at chance shows instead of a number. */
  static final String AT_CHANCE = "chance";

  /** @return the worst-case column's name for a threat model, e.g. "worst Linf 0.1" */
  static String worstColumn(String threatModel) {
    return "worst " + threatModel;
  }

  /** @return the median-distance column's name for a minimum-distance attack, e.g. "cw-l2 med L2" */
  static String medianColumn(String attack) {
    return attack + " med L2";
  }

  /** @return a Markdown table, accuracies in percent */
  public String toMarkdown() {
    List<String> header = new ArrayList<>(List.of("model", "val", "clean"));
    header.addAll(attacks);
    minimumDistance.forEach(a -> header.add(medianColumn(a)));
    threatModels.forEach(t -> header.add(worstColumn(t)));
    header.addAll(List.of("zero-grad", "cap mean", "lipschitz", "masking?"));
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      List<String> c = new ArrayList<>(List.of(r.model(), pct(r.validationAccuracy()), pct(r.clean())));
      for (String a : attacks) {
        c.add(robust(r, pct(r.accuracy().getOrDefault(a, Double.NaN))));
      }
      for (String a : minimumDistance) {
        Double d = r.medianL2().get(a);
        c.add(robust(r, d == null || Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d)));
      }
      for (String t : threatModels) {
        c.add(robust(r, pct(r.worstCase().getOrDefault(t, Double.NaN))));
      }
      c.add(pct(r.zeroGradientFraction()));
      c.add(Double.isNaN(r.capMean()) ? "-" : String.format(Locale.ROOT, "%.3f", r.capMean()));
      c.add(lipschitz(r.lipschitz()));
      c.add(r.masking());
      cells.add(c);
    }
    // one line per model, padded so that it reads as plain text in a terminal too
    return MarkdownTable.padded(new TextTable("summary", header.stream().map(TextTable.Column::left).toList(),
        cells.stream().map(TextTable.Row::of).toList(), false));
  }

  /**
   * @return "searched/sampled" means, e.g. "3.21/2.95": how far the logits move per unit of input
   *     (L2) near the attacked inputs; "-" when not estimated
   */
  private static String lipschitz(LipschitzEstimate.Summary l) {
    return l == null ? "-" : String.format(Locale.ROOT, "%.2f/%.2f", l.meanSearched(), l.meanSampled());
  }

  private static String robust(Row r, String value) {
    return r.atChance() && !"-".equals(value) ? AT_CHANCE : value;
  }

  /**
   * @return one line per model the diagnostics flag, with the evidence, and one per model at
   *     chance; empty when there are none
   */
  public String evidence() {
    StringBuilder out = new StringBuilder();
    for (Row r : rows) {
      if (r.atChance()) {
        out.append(r.model()).append(": clean accuracy ").append(pct(r.clean())).append("% is at chance (")
            .append(pct(r.chance())).append("% by guessing): its robust accuracies mean nothing and show as '")
            .append(AT_CHANCE).append("'; train it longer or check its data\n");
      }
      if ("yes".equals(r.masking())) {
        out.append(r.model()).append(": possible gradient masking: ").append(r.evidence()).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * @return long CSV: model, metric, value, flags. Metrics are "clean", attack names and "worst
   *     &lt;threat model&gt;" (accuracies as fractions), "&lt;attack&gt; med L2" (a distance) and
   *     "lipschitz searched|sampled &lt;threat model&gt;" (mean local Lipschitz estimates);
   *     flags carry "masking" and "at-chance" with every number of such a model, so no number
   *     travels without its warning
   */
  public String toCsv() {
    List<List<String>> lines = new ArrayList<>();
    for (Row r : rows) {
      List<String> flags = new ArrayList<>();
      if ("yes".equals(r.masking())) {
        flags.add("masking");
      }
      if (r.atChance()) {
        flags.add("at-chance");
      }
      String f = String.join(";", flags);
      lines.add(List.of(r.model(), "clean", Double.toString(r.clean()), f));
      for (String a : attacks) {
        if (r.accuracy().containsKey(a)) {
          lines.add(List.of(r.model(), a, Double.toString(r.accuracy().get(a)), f));
        }
      }
      for (String a : minimumDistance) {
        if (r.medianL2().containsKey(a)) {
          lines.add(List.of(r.model(), medianColumn(a), Double.toString(r.medianL2().get(a)), f));
        }
      }
      for (String t : threatModels) {
        if (r.worstCase().containsKey(t)) {
          lines.add(List.of(r.model(), worstColumn(t), Double.toString(r.worstCase().get(t)), f));
        }
      }
      if (r.lipschitz() != null) {
        String in = " " + r.lipschitz().threatModel();
        lines.add(List.of(r.model(), "lipschitz searched" + in, Double.toString(r.lipschitz().meanSearched()), f));
        lines.add(List.of(r.model(), "lipschitz sampled" + in, Double.toString(r.lipschitz().meanSampled()), f));
      }
    }
    return CsvWriter.write(List.of("model", "metric", "value", "flags"), lines);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
  }
}
