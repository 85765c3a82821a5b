package dev.drelu.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link PaperTable} as Markdown, CSV, HTML or LaTeX, by way of a {@link TextTable}.
 * Accuracies are in %, two decimals; "± std" appears when some cell averages several seeds; the
 * rank within the architecture follows in parentheses; the best is bold (Markdown {@code **},
 * HTML {@code <strong>}, LaTeX {@code \textbf}). CSV is long instead, one line per cell, with the
 * numbers in their own columns and the best flagged in a {@code best} column, for spreadsheets.
 */
public final class PaperTableWriter {
  private PaperTableWriter() {}

  /** @return the table in {@code format} */
  public static String write(PaperTable table, TableFormat format) {
    return format.render(switch (format) {
      case CSV -> longTable(table);
      // a paper's LaTeX header is capitalised
      case LATEX -> wideTable(table, "Architecture", "Method");
      case MARKDOWN, HTML -> wideTable(table, "architecture", "method");
    });
  }

  /** @return a Markdown table */
  public static String markdown(PaperTable t) {
    return write(t, TableFormat.MARKDOWN);
  }

  /** @return long CSV: one line per cell, accuracy and std in %, with rank and best */
  public static String csv(PaperTable t) {
    return write(t, TableFormat.CSV);
  }

  /** @return an HTML {@code <table>} (a fragment, escaped) */
  public static String html(PaperTable t) {
    return write(t, TableFormat.HTML);
  }

  /** @return a LaTeX tabular (booktabs rules), a midrule between architectures */
  public static String latex(PaperTable t) {
    return write(t, TableFormat.LATEX);
  }

  /** @return one row per architecture and method, one column per metric, architectures grouped */
  static TextTable wideTable(PaperTable t, String architecture, String method) {
    List<TextTable.Column> columns = new ArrayList<>(List.of(TextTable.Column.left(architecture),
        TextTable.Column.left(method)));
    t.metrics().forEach(m -> columns.add(TextTable.Column.right(m)));
    List<TextTable.Row> rows = new ArrayList<>();
    for (PaperTable.Line l : t.lines()) {
      List<TextTable.Cell> cells = new ArrayList<>(List.of(TextTable.Cell.of(l.architecture()),
          TextTable.Cell.of(l.method())));
      for (PaperTable.Cell c : l.cells()) {
        cells.add(new TextTable.Cell(text(c, t.hasSeeds()), c != null && c.best()));
      }
      rows.add(new TextTable.Row(cells, false));
    }
    return new TextTable("accuracy", columns, rows, true);
  }

  /** @return one row per cell that has a value */
  static TextTable longTable(PaperTable t) {
    List<TextTable.Column> columns = new ArrayList<>();
    List.of("architecture", "method", "metric").forEach(n -> columns.add(TextTable.Column.left(n)));
    List.of("accuracy_pct", "std_pct", "seeds", "rank", "best").forEach(n -> columns.add(TextTable.Column.right(n)));
    List<TextTable.Row> rows = new ArrayList<>();
    for (PaperTable.Line l : t.lines()) {
      for (int i = 0; i < t.metrics().size(); i++) {
        PaperTable.Cell c = l.cells().get(i);
        if (c != null) {
          rows.add(TextTable.Row.of(List.of(l.architecture(), l.method(), t.metrics().get(i), pct(c.mean()),
              pct(c.std()), Integer.toString(c.seeds()), rank(c.rank()), Boolean.toString(c.best()))));
        }
      }
    }
    return new TextTable("accuracy-long", columns, rows, false);
  }

  private static String text(PaperTable.Cell c, boolean withStd) {
    if (c == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>(List.of(pct(c.mean())));
    if (withStd) {
      parts.add("± " + pct(c.std()));
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
}
