package dev.drelu.report;

import dev.drelu.stats.CsvWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link PaperTable} as Markdown, CSV, HTML or LaTeX. Accuracies are in %, two
 * decimals; "± std" appears when some cell averages several seeds; the rank within the
 * architecture follows in parentheses; the best is bold (Markdown {@code **}, HTML
 * {@code <strong>}, LaTeX {@code \textbf}) or, in CSV, flagged in a {@code best} column.
 */
public final class PaperTableWriter {
  private PaperTableWriter() {}

  /** @return the table in {@code format} */
  public static String write(PaperTable table, TableFormat format) {
    return switch (format) {
      case MARKDOWN -> markdown(table);
      case CSV -> csv(table);
      case HTML -> html(table);
      case LATEX -> latex(table);
    };
  }

  /** @return a Markdown table */
  public static String markdown(PaperTable t) {
    StringBuilder out = new StringBuilder("| architecture | method |");
    t.metrics().forEach(m -> out.append(' ').append(md(m)).append(" |"));
    out.append("\n|---|---|").append("---:|".repeat(t.metrics().size())).append('\n');
    for (PaperTable.Line l : t.lines()) {
      out.append("| ").append(md(l.architecture())).append(" | ").append(md(l.method())).append(" |");
      for (PaperTable.Cell c : l.cells()) {
        String text = text(c, t.hasSeeds(), "±");
        out.append(' ').append(c != null && c.best() ? "**" + text + "**" : text).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** @return long CSV: one line per cell, accuracy and std in %, with rank and best */
  public static String csv(PaperTable t) {
    List<List<String>> rows = new ArrayList<>();
    for (PaperTable.Line l : t.lines()) {
      for (int i = 0; i < t.metrics().size(); i++) {
        PaperTable.Cell c = l.cells().get(i);
        if (c != null) {
          rows.add(List.of(l.architecture(), l.method(), t.metrics().get(i), pct(c.mean()), pct(c.std()),
              Integer.toString(c.seeds()), rank(c.rank()), Boolean.toString(c.best())));
        }
      }
    }
    return CsvWriter.write(
        List.of("architecture", "method", "metric", "accuracy_pct", "std_pct", "seeds", "rank", "best"), rows);
  }


  /** @return an HTML {@code <table>} (a fragment, escaped), architectures as row groups */
  public static String html(PaperTable t) {
    StringBuilder out = new StringBuilder("<table class=\"accuracy\">\n<thead><tr><th>architecture</th><th>method</th>");
    t.metrics().forEach(m -> out.append("<th>").append(Html.escape(m)).append("</th>"));
    out.append("</tr></thead>\n<tbody>\n");
    for (PaperTable.Line l : t.lines()) {
      out.append("<tr><td>").append(Html.escape(l.architecture())).append("</td><td>")
          .append(Html.escape(l.method())).append("</td>");
      for (PaperTable.Cell c : l.cells()) {
        String text = Html.escape(text(c, t.hasSeeds(), "±"));
        out.append(c != null && c.best() ? "<td class=\"best\"><strong>" + text + "</strong></td>" : "<td>" + text + "</td>");
      }
      out.append("</tr>\n");
    }
    return out.append("</tbody>\n</table>\n").toString();
  }

  /** @return a LaTeX tabular (booktabs rules), a midrule between architectures */
  public static String latex(PaperTable t) {
    StringBuilder out = new StringBuilder("\\begin{tabular}{ll").append("r".repeat(t.metrics().size()))
        .append("}\n\\toprule\nArchitecture & Method");
    t.metrics().forEach(m -> out.append(" & ").append(tex(m)));
    out.append(" \\\\\n\\midrule\n");
    String previous = null;
    for (PaperTable.Line l : t.lines()) {
      if (previous != null && !previous.equals(l.architecture())) {
        out.append("\\midrule\n");
      }
      out.append(l.architecture().equals(previous) ? "" : tex(l.architecture())).append(" & ").append(tex(l.method()));
      for (PaperTable.Cell c : l.cells()) {
        String text = text(c, t.hasSeeds(), "$\\pm$");
        out.append(" & ").append(c != null && c.best() ? "\\textbf{" + text + "}" : text);
      }
      out.append(" \\\\\n");
      previous = l.architecture();
    }
    return out.append("\\bottomrule\n\\end{tabular}\n").toString();
  }

  private static String text(PaperTable.Cell c, boolean withStd, String plusMinus) {
    if (c == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>(List.of(pct(c.mean())));
    if (withStd) {
      parts.add(plusMinus + " " + pct(c.std()));
    }
    parts.add("(" + rank(c.rank()) + ")");
    return String.join(" ", parts);
  }

  static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.2f", 100 * fraction);
  }

  static String rank(double rank) {
    return rank == Math.rint(rank) ? Integer.toString((int) rank) : String.format(Locale.ROOT, "%.1f", rank);
  }

  private static String md(String s) {
    return s.replace("|", "\\|");
  }

  static String tex(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\textbackslash{}");
        case '&', '%', '$', '#', '_', '{', '}' -> out.append('\\').append(c);
        case '~' -> out.append("\\textasciitilde{}");
        case '^' -> out.append("\\textasciicircum{}");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
