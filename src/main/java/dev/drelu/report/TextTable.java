package dev.drelu.report;

import java.util.List;

/**
 * A table of text, one model for every format a table is written in: Markdown ({@link
 * MarkdownTable}), HTML ({@link HtmlTable}), LaTeX ({@link LatexTable}) and CSV; {@link
 * TableFormat#render} picks one. Cells hold plain text: each renderer escapes it for its format,
 * so a name from a user's table cannot turn into markup.
 *
 * @param htmlClass the class of the HTML {@code <table>}, which the report's style sheet uses
 * @param columns names and alignment, in order
 * @param rows each with one cell per column
 * @param grouped whether rows with the same first cell form a group: LaTeX names a group once and
 *     rules between groups (a paper's architecture blocks); the other formats show every row whole
 */
public record TextTable(String htmlClass, List<Column> columns, List<Row> rows, boolean grouped) {
  public TextTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    for (Row r : rows) {
      if (r.cells().size() != columns.size()) {
        throw new IllegalArgumentException("a row of table " + htmlClass + " must have " + columns.size()
            + " cells, one per column, but had " + r.cells().size() + ": " + r.cells());
      }
    }
  }

  /** How a column's values line up: text left, numbers right. */
  public enum Align { LEFT, RIGHT }

  /** One column: its name in the header and its alignment. */
  public record Column(String name, Align align) {
    /** @return a left-aligned column */
    public static Column left(String name) {
      return new Column(name, Align.LEFT);
    }

    /** @return a right-aligned column */
    public static Column right(String name) {
      return new Column(name, Align.RIGHT);
    }
  }

  /**
   * One cell.
   *
   * @param text plain text, unescaped
   * @param best whether it is the best of its group: bold, and in HTML of class {@code best}
   */
  public record Cell(String text, boolean best) {
    /** @return a plain cell */
    public static Cell of(String text) {
      return new Cell(text, false);
    }
  }

  /**
   * One row.
   *
   * @param flagged whether the row carries a warning: in HTML of class {@code flagged}
   */
  public record Row(List<Cell> cells, boolean flagged) {
    public Row {
      cells = List.copyOf(cells);
    }

    /** @return an unflagged row of plain cells */
    public static Row of(List<String> texts) {
      return new Row(texts.stream().map(Cell::of).toList(), false);
    }
  }

  /** @return the column names */
  public List<String> header() {
    return columns.stream().map(Column::name).toList();
  }

  /** @return the cells' texts, row by row */
  public List<List<String>> texts() {
    return rows.stream().map(r -> r.cells().stream().map(Cell::text).toList()).toList();
  }
}
