package dev.drelu.report;

import dev.drelu.stats.Anova;
import dev.drelu.stats.Friedman;
import dev.drelu.stats.Nemenyi;
import dev.drelu.stats.StatsResult;
import java.util.Locale;

/** The statistics as HTML fragments (escaped) for the report. */
public final class StatsHtml {
  private StatsHtml() {}

  /** @return the tests table, the average ranks with CD, and the pairs that differ */
  public static String fragment(StatsResult s) {
    Anova a = s.anova();
    Friedman f = s.friedman();
    Nemenyi n = s.nemenyi();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<p>N = %d rows (architecture &times; metric), k = %d methods.</p>%n",
        f.rows(), f.methods().size()));
    out.append("<table class=\"stats\">\n<thead><tr><th>test</th><th>statistic</th><th>df</th><th>p-value</th>"
        + "<th>decision</th></tr></thead>\n<tbody>\n");
    row(out, "one-way ANOVA", "F = " + num(a.f()), "(" + a.dfBetween() + ", " + a.dfWithin() + ")", p(a.pValue()),
        (a.significant() ? "differ" : "no difference shown") + " (critical F = " + num(a.criticalF())
            + " at &alpha; = " + num(a.alpha()) + ")");
    row(out, "Friedman", "&chi;&sup2; = " + num(f.chiSquare()), Integer.toString(f.df1()), p(f.chiSquarePValue()),
        f.chiSquarePValue() < n.alpha() ? "differ" : "no difference shown");
    row(out, "Iman-Davenport", "F<sub>F</sub> = " + num(f.imanDavenportF()), "(" + f.df1() + ", " + f.df2() + ")",
        p(f.imanDavenportPValue()), f.imanDavenportPValue() < n.alpha() ? "differ" : "no difference shown");
    out.append("</tbody>\n</table>\n");
    out.append(String.format(Locale.ROOT, "<p>Nemenyi at &alpha; = %s: q<sub>&alpha;</sub> = %s, CD = %s.</p>%n",
        num(n.alpha()), num(n.qAlpha()), num(n.criticalDifference())));
    out.append("<table class=\"ranks\">\n<thead><tr><th>method</th><th>average rank</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n.methods().size(); i++) {
      out.append("<tr><td>").append(Html.escape(n.methods().get(i))).append("</td><td>")
          .append(num(n.averageRanks().get(i))).append("</td></tr>\n");
    }
    out.append("</tbody>\n</table>\n");
    if (n.differingPairs().isEmpty()) {
      out.append("<p>No pair of methods differs by more than CD.</p>\n");
    } else {
      out.append("<p>Pairs that differ (|rank difference| &gt; CD):</p>\n<ul class=\"pairs\">\n");
      for (Nemenyi.Pair pair : n.differingPairs()) {
        out.append("<li>").append(Html.escape(pair.a())).append(" vs ").append(Html.escape(pair.b())).append(": ")
            .append(num(pair.rankDifference())).append("</li>\n");
      }
      out.append("</ul>\n");
    }
    if (f.tieCorrection() < 1) {
      out.append("<p>Ties within rows: &chi;&sup2; is divided by ").append(num(f.tieCorrection()))
          .append(" (the tie correction R and SciPy apply).</p>\n");
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String... cells) {
    out.append("<tr>");
    for (String c : cells) {
      out.append("<td>").append(c).append("</td>"); // cells are built here from numbers and fixed text
    }
    out.append("</tr>\n");
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "&ndash;";
    }
    return Double.isInfinite(v) ? "&infin;" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String p(double v) {
    if (Double.isNaN(v)) {
      return "&ndash;";
    }
    if (v == 0) {
      return "0";
    }
    return v < 1e-4 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
