package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
  /** A model name as a user may write it, and a flagged row with the best cell. */
  static final TextTable T = new TextTable("m<x>", List.of(TextTable.Column.left("model"),
      TextTable.Column.right("acc | %")), List.of(
          TextTable.Row.of(List.of("<script>&\"a|b\"", "1.5")),
          new TextTable.Row(List.of(TextTable.Cell.of("dense"), new TextTable.Cell("99.25 ± 0.1", true)), true)),
      false);

  @Test
  void htmlEscapesEveryTextAndMarksBestAndFlagged() {
    assertEquals("""
        <table class="m&lt;x&gt;">
        <thead><tr><th>model</th><th>acc | %</th></tr></thead>
        <tbody>
        <tr><td>&lt;script&gt;&amp;&quot;a|b&quot;</td><td>1.5</td></tr>
        <tr class="flagged"><td>dense</td><td class="best"><strong>99.25 ± 0.1</strong></td></tr>
        </tbody>
        </table>
        """, HtmlTable.render(T));
  }

  @Test
  void markdownEscapesBarsAndAlignsCompactOrPadded() {
    assertEquals("""
        | model | acc \\| % |
        |---|---:|
        | <script>&"a\\|b" | 1.5 |
        | dense | **99.25 ± 0.1** |
        """, MarkdownTable.render(T));
    assertEquals("""
        | model           |        acc \\| % |
        |-----------------|----------------:|
        | <script>&"a\\|b" |             1.5 |
        | dense           | **99.25 ± 0.1** |
        """, MarkdownTable.padded(T));
  }

  @Test
  void latexEscapesAndGroupsByTheFirstColumn() {
    TextTable grouped = new TextTable("g", List.of(TextTable.Column.left("a_b"), TextTable.Column.right("x")),
        List.of(TextTable.Row.of(List.of("d&d", "1 ± 2")), TextTable.Row.of(List.of("d&d", "50%")),
            TextTable.Row.of(List.of("c", "#"))), true);
    assertEquals("""
        \\begin{tabular}{lr}
        \\toprule
        a\\_b & x \\\\
        \\midrule
        d\\&d & 1 $\\pm$ 2 \\\\
         & 50\\% \\\\
        \\midrule
        c & \\# \\\\
        \\bottomrule
        \\end{tabular}
        """, LatexTable.render(grouped));
  }

  @Test
  void csvQuotesWhatNeedsIt() {
    assertEquals("model,acc | %\n\"<script>&\"\"a|b\"\"\",1.5\ndense,99.25 ± 0.1\n", TableFormat.CSV.render(T));
  }

  @Test
  void aRowOfTheWrongLengthIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TextTable("t",
        List.of(TextTable.Column.left("a")), List.of(TextTable.Row.of(List.of("1", "2"))), false));
    assertEquals("a row of table t must have 1 cells, one per column, but had 2: "
        + "[Cell[text=1, best=false], Cell[text=2, best=false]]", e.getMessage());
  }
}
