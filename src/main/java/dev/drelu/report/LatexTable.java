package dev.drelu.report;

import java.util.Objects;

/**
 * A {@link TextTable} as a LaTeX tabular with booktabs rules: text escaped (± becomes
 * {@code $\pm$}), the best cells {@code \textbf}, columns {@code l} or {@code r} by alignment; a
 * grouped table names each group once and puts a midrule between groups.
 */
public final class LatexTable {
  private LatexTable() {}

  /** @return the tabular */
  public static String render(TextTable t) {
    StringBuilder out = new StringBuilder("\\begin{tabular}{");
    t.columns().forEach(c -> out.append(c.align() == TextTable.Align.RIGHT ? 'r' : 'l'));
    out.append("}\n\\toprule\n").append(String.join(" & ", t.header().stream().map(LatexTable::escape).toList()))
        .append(" \\\\\n\\midrule\n");
    String group = null;
    for (TextTable.Row r : t.rows()) {
      String first = r.cells().get(0).text();
      boolean sameGroup = t.grouped() && Objects.equals(group, first);
      if (t.grouped() && group != null && !sameGroup) {
        out.append("\\midrule\n");
      }
      for (int i = 0; i < r.cells().size(); i++) {
        TextTable.Cell c = r.cells().get(i);
        String text = i == 0 && sameGroup ? "" : escape(c.text());
        out.append(i == 0 ? "" : " & ").append(c.best() ? "\\textbf{" + text + "}" : text);
      }
      out.append(" \\\\\n");
      group = first;
    }
    return out.append("\\bottomrule\n\\end{tabular}\n").toString();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\textbackslash{}");
        case '&', '%', '$', '#', '_', '{', '}' -> out.append('\\').append(c);
        case '~' -> out.append("\\textasciitilde{}");
        case '^' -> out.append("\\textasciicircum{}");
        case '±' -> out.append("$\\pm$");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
