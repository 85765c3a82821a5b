package dev.drelu.pipeline;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline's result table: one row per trained model, accuracy clean, under each attack, and
 * under the per-example worst case over all attacks, with the masking signs beside them.
 *
 * @param attacks attack names, in column order
 */
public record SummaryTable(List<String> attacks, List<Row> rows) implements Serializable {
  public SummaryTable {
    attacks = List.copyOf(attacks);
    rows = List.copyOf(rows);
  }

  /**
   * One model.
   *
   * @param accuracy by attack name (absent if the attack did not run)
   * @param worstCase share correct under clean and every attack (NaN without attacks)
   * @param zeroGradientFraction share of test inputs with an exactly zero input gradient
   * @param capMean mean learned cap (NaN without D-ReLU)
   * @param masking "yes" when the diagnostics suspect gradient masking, "no", or "-" when not run
   * @param evidence the failed checks, or ""
   */
  public record Row(String model, String modelKey, double validationAccuracy, double clean,
      Map<String, Double> accuracy, double worstCase, double zeroGradientFraction, double capMean,
      String masking, String evidence)
      implements Serializable {
    public Row {
      accuracy = Map.copyOf(accuracy);
    }
  }

  /** @return a Markdown table, accuracies in percent */
  public String toMarkdown() {
    List<String> header = new ArrayList<>(List.of("model", "val", "clean"));
    header.addAll(attacks);
    header.addAll(List.of("worst-case", "zero-grad", "cap mean", "masking?"));
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      List<String> c = new ArrayList<>(List.of(r.model(), pct(r.validationAccuracy()), pct(r.clean())));
      for (String a : attacks) {
        c.add(pct(r.accuracy().getOrDefault(a, Double.NaN)));
      }
      c.add(pct(r.worstCase()));
      c.add(pct(r.zeroGradientFraction()));
      c.add(Double.isNaN(r.capMean()) ? "-" : String.format(Locale.ROOT, "%.3f", r.capMean()));
      c.add(r.masking());
      cells.add(c);
    }
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
      for (List<String> c : cells) {
        width[i] = Math.max(width[i], c.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, width);
    out.append('|');
    for (int w : width) {
      out.append("-".repeat(w + 2)).append('|');
    }
    out.append('\n');
    cells.forEach(c -> line(out, c, width));
    return out.toString();
  }

  /** @return one line per model the diagnostics flag, with the evidence; empty when none is */
  public String evidence() {
    StringBuilder out = new StringBuilder();
    for (Row r : rows) {
      if ("yes".equals(r.masking())) {
        out.append(r.model()).append(": possible gradient masking: ").append(r.evidence()).append('\n');
      }
    }
    return out.toString();
  }

  /** @return long CSV: model, metric, accuracy (the format `drelu stats` will read) */
  public String toCsv() {
    StringBuilder out = new StringBuilder("model,metric,accuracy\n");
    for (Row r : rows) {
      out.append(r.model()).append(",clean,").append(r.clean()).append('\n');
      for (String a : attacks) {
        if (r.accuracy().containsKey(a)) {
          out.append(r.model()).append(',').append(a).append(',').append(r.accuracy().get(a)).append('\n');
        }
      }
      if (!Double.isNaN(r.worstCase())) {
        out.append(r.model()).append(",worst-case,").append(r.worstCase()).append('\n');
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    out.append('|');
    for (int i = 0; i < cells.size(); i++) {
      out.append(' ').append(String.format("%-" + width[i] + "s", cells.get(i))).append(" |");
    }
    out.append('\n');
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
  }
}
