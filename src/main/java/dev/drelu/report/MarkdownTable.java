package dev.drelu.report;

import java.util.List;

/**
 * A {@link TextTable} as a GitHub-flavoured Markdown table: {@code |} in text escaped, the best
 * cells in {@code **bold**}, right-aligned columns marked {@code ---:}. Compact for files and the
 * report; padded, for reading in a terminal.
 */
public final class MarkdownTable {
  private MarkdownTable() {}

  /** @return the table, one line per row, cells not padded */
  public static String render(TextTable t) {
    StringBuilder out = new StringBuilder();
    line(out, t.header().stream().map(MarkdownTable::escape).toList(), null, t.columns());
    out.append('|');
    t.columns().forEach(c -> out.append(c.align() == TextTable.Align.RIGHT ? "---:" : "---").append('|'));
    out.append('\n');
    t.rows().forEach(r -> line(out, cells(r), null, t.columns()));
    return out.toString();
  }

  /** @return the table with every column padded to its widest cell, so it lines up as plain text */
  public static String padded(TextTable t) {
    List<String> header = t.header().stream().map(MarkdownTable::escape).toList();
    List<List<String>> rows = t.rows().stream().map(MarkdownTable::cells).toList();
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, width, t.columns());
    out.append('|');
    for (int i = 0; i < width.length; i++) {
      boolean right = t.columns().get(i).align() == TextTable.Align.RIGHT;
      out.append("-".repeat(width[i] + (right ? 1 : 2))).append(right ? ":|" : "|");
    }
    out.append('\n');
    rows.forEach(r -> line(out, r, width, t.columns()));
    return out.toString();
  }

  private static List<String> cells(TextTable.Row r) {
    return r.cells().stream().map(c -> c.best() ? "**" + escape(c.text()) + "**" : escape(c.text())).toList();
  }

  /** @param width the columns' widths, or null for no padding */
  private static void line(StringBuilder out, List<String> cells, int[] width, List<TextTable.Column> columns) {
    out.append('|');
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      String pad = width == null ? "" : " ".repeat(width[i] - c.length());
      boolean right = columns.get(i).align() == TextTable.Align.RIGHT;
      out.append(' ').append(right ? pad + c : c + pad).append(" |");
    }
    out.append('\n');
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
