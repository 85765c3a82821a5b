package dev.drelu.stats;

import java.util.List;
import java.util.Locale;

/** Writes a {@link StatsResult} as Markdown, for the terminal, the stats artifact and the report. */
public final class StatsText {
  private StatsText() {}

  /** @return the results as Markdown: a summary of each test and the pairs that differ */
  public static String markdown(StatsResult s) {
    Anova a = s.anova();
    Friedman f = s.friedman();
    Nemenyi n = s.nemenyi();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "N = %d rows (architecture x metric), k = %d methods%n%n",
        f.rows(), f.methods().size()));
    out.append("| test | statistic | df | p-value | decision |\n|---|---|---|---|---|\n");
    out.append(String.format(Locale.ROOT, "| ANOVA | F = %s | (%d, %d) | %s | %s (critical F = %s at alpha = %s) |%n",
        num(a.f()), a.dfBetween(), a.dfWithin(), p(a.pValue()), a.significant() ? "differ" : "no difference shown",
        num(a.criticalF()), num(a.alpha())));
    out.append(String.format(Locale.ROOT, "| Friedman | chi2 = %s | %d | %s | %s |%n", num(f.chiSquare()), f.df1(),
        p(f.chiSquarePValue()), f.chiSquarePValue() < n.alpha() ? "differ" : "no difference shown"));
    out.append(String.format(Locale.ROOT, "| Iman-Davenport | F_F = %s | (%d, %d) | %s | %s |%n",
        num(f.imanDavenportF()), f.df1(), f.df2(), p(f.imanDavenportPValue()),
        f.imanDavenportPValue() < n.alpha() ? "differ" : "no difference shown"));
    out.append(String.format(Locale.ROOT, "%nNemenyi at alpha = %s: q_alpha = %s, CD = %s%n%n", num(n.alpha()),
        num(n.qAlpha()), num(n.criticalDifference())));
    out.append("| method | average rank |\n|---|---|\n");
    for (int i = 0; i < n.methods().size(); i++) {
      out.append("| ").append(n.methods().get(i)).append(" | ").append(num(n.averageRanks().get(i))).append(" |\n");
    }
    List<Nemenyi.Pair> differ = n.differingPairs();
    out.append('\n').append(differ.isEmpty() ? "No pair of methods differs by more than CD.\n"
        : "Pairs that differ (|rank difference| > CD):\n");
    for (Nemenyi.Pair pair : differ) {
      out.append("- ").append(pair.a()).append(" vs ").append(pair.b()).append(": ")
          .append(num(pair.rankDifference())).append('\n');
    }
    if (f.tieCorrection() < 1) {
      out.append(String.format(Locale.ROOT, "%nTies within rows: chi2 divided by %s (tie correction).%n",
          num(f.tieCorrection())));
    }
    return out.toString();
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String p(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == 0) {
      return "0";
    }
    return v < 1e-4 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
