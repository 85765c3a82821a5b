package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.AccuracyTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaperTableTest {
  private static final AccuracyTable SEEDS = AccuracyCsv.parse("""
      architecture,method,metric,accuracy,seed
      dense,relu,clean,0.90,1
      dense,relu,clean,0.92,2
      dense,d_relu & co,clean,0.95,1
      dense,d_relu & co,clean,0.97,2
      dense,relu,pgd,0.10,1
      dense,relu,pgd,0.10,2
      dense,d_relu & co,pgd,0.10,1
      dense,d_relu & co,pgd,0.10,2
      cnn,relu,clean,0.99,1
      cnn,d_relu & co,clean,0.98,1
      """, "seeds.csv");

  @Test
  void ranksPerArchitectureAndMetricWithTiesAndBest() {
    PaperTable t = PaperTable.of(SEEDS);
    assertEquals(List.of("clean", "pgd"), t.metrics());
    PaperTable.Line denseRelu = t.lines().get(0);
    assertEquals("dense", denseRelu.architecture());
    assertEquals(0.91, denseRelu.cells().get(0).mean(), 1e-12);
    assertEquals(0.0141421356, denseRelu.cells().get(0).std(), 1e-9);
    assertEquals(2.0, denseRelu.cells().get(0).rank());
    assertFalse(denseRelu.cells().get(0).best());
    assertEquals(1.5, denseRelu.cells().get(1).rank()); // tie at pgd: both best
    assertTrue(denseRelu.cells().get(1).best());
    assertTrue(t.lines().get(2).cells().get(0).best()); // cnn relu 99%
    assertNull(t.lines().get(2).cells().get(1)); // cnn has no pgd
    assertTrue(t.hasSeeds());
  }

  @Test
  void markdownBoldsTheBestAndShowsStd() {
    String md = PaperTableWriter.markdown(PaperTable.of(SEEDS));
    assertTrue(md.startsWith("| architecture | method | clean | pgd |\n|---|---|---:|---:|\n"), md);
    assertTrue(md.contains("| dense | relu | 91.00 ± 1.41 (2) | **10.00 ± 0.00 (1.5)** |"), md);
    assertTrue(md.contains("| dense | d_relu & co | **96.00 ± 1.41 (1)** |"), md);
    assertTrue(md.contains("| cnn | d_relu & co | 98.00 ± 0.00 (2) | - |"), md);
  }

  @Test
  void latexEscapesNamesAndUsesTextbf() {
    String tex = PaperTableWriter.latex(PaperTable.of(SEEDS));
    assertTrue(tex.startsWith("\\begin{tabular}{llrr}\n\\toprule\nArchitecture & Method & clean & pgd \\\\\n"), tex);
    assertTrue(tex.contains(" & d\\_relu \\& co & \\textbf{96.00 $\\pm$ 1.41 (1)}"), tex);
    assertTrue(tex.contains("\\midrule\ncnn & relu & \\textbf{99.00 $\\pm$ 0.00 (1)} & - \\\\"), tex);
    assertTrue(tex.endsWith("\\bottomrule\n\\end{tabular}\n"), tex);
  }

  @Test
  void htmlEscapesAndMarksTheBest() {
    String html = PaperTableWriter.html(PaperTable.of(SEEDS));
    assertTrue(html.contains("<td>d_relu &amp; co</td><td class=\"best\"><strong>96.00 ± 1.41 (1)</strong></td>"), html);
    assertFalse(html.contains("& co"), html);
  }

  @Test
  void csvHasOneLinePerCellInPercent() {
    String csv = PaperTableWriter.csv(PaperTable.of(SEEDS));
    assertEquals("""
        architecture,method,metric,accuracy_pct,std_pct,seeds,rank,best
        dense,relu,clean,91.00,1.41,2,2,false
        dense,relu,pgd,10.00,0.00,2,1.5,true
        dense,d_relu & co,clean,96.00,1.41,2,1,true
        dense,d_relu & co,pgd,10.00,0.00,2,1.5,true
        cnn,relu,clean,99.00,0.00,1,1,true
        cnn,d_relu & co,clean,98.00,0.00,1,2,false
        """, csv);
  }

  @Test
  void everyFormatInFull() {
    PaperTable t = PaperTable.of(SEEDS);
    assertEquals("""
        | architecture | method | clean | pgd |
        |---|---|---:|---:|
        | dense | relu | 91.00 ± 1.41 (2) | **10.00 ± 0.00 (1.5)** |
        | dense | d_relu & co | **96.00 ± 1.41 (1)** | **10.00 ± 0.00 (1.5)** |
        | cnn | relu | **99.00 ± 0.00 (1)** | - |
        | cnn | d_relu & co | 98.00 ± 0.00 (2) | - |
        """, PaperTableWriter.write(t, TableFormat.MARKDOWN));
    assertEquals("""
        <table class="accuracy">
        <thead><tr><th>architecture</th><th>method</th><th>clean</th><th>pgd</th></tr></thead>
        <tbody>
        <tr><td>dense</td><td>relu</td><td>91.00 ± 1.41 (2)</td><td class="best"><strong>10.00 ± 0.00 (1.5)</strong></td></tr>
        <tr><td>dense</td><td>d_relu &amp; co</td><td class="best"><strong>96.00 ± 1.41 (1)</strong></td>\
        <td class="best"><strong>10.00 ± 0.00 (1.5)</strong></td></tr>
        <tr><td>cnn</td><td>relu</td><td class="best"><strong>99.00 ± 0.00 (1)</strong></td><td>-</td></tr>
        <tr><td>cnn</td><td>d_relu &amp; co</td><td>98.00 ± 0.00 (2)</td><td>-</td></tr>
        </tbody>
        </table>
        """, PaperTableWriter.write(t, TableFormat.HTML));
    assertEquals("""
        \\begin{tabular}{llrr}
        \\toprule
        Architecture & Method & clean & pgd \\\\
        \\midrule
        dense & relu & 91.00 $\\pm$ 1.41 (2) & \\textbf{10.00 $\\pm$ 0.00 (1.5)} \\\\
         & d\\_relu \\& co & \\textbf{96.00 $\\pm$ 1.41 (1)} & \\textbf{10.00 $\\pm$ 0.00 (1.5)} \\\\
        \\midrule
        cnn & relu & \\textbf{99.00 $\\pm$ 0.00 (1)} & - \\\\
         & d\\_relu \\& co & 98.00 $\\pm$ 0.00 (2) & - \\\\
        \\bottomrule
        \\end{tabular}
        """, PaperTableWriter.write(t, TableFormat.LATEX));
  }

  /** Names come from users' tables: each format must keep them as text, not markup or extra columns. */
  @Test
  void namesWithMarkupQuotesCommasAndBarsStayText() {
    PaperTable t = PaperTable.of(AccuracyCsv.parse("""
        architecture,method,metric,accuracy
        "<b>&""q","x,1",clean,0.25
        "<b>&""q",y|z,clean,0.5
        """, "weird.csv"));
    assertEquals("""
        <table class="accuracy">
        <thead><tr><th>architecture</th><th>method</th><th>clean</th></tr></thead>
        <tbody>
        <tr><td>&lt;b&gt;&amp;&quot;q</td><td>x,1</td><td>25.00 (2)</td></tr>
        <tr><td>&lt;b&gt;&amp;&quot;q</td><td>y|z</td><td class="best"><strong>50.00 (1)</strong></td></tr>
        </tbody>
        </table>
        """, PaperTableWriter.html(t));
    assertEquals("""
        architecture,method,metric,accuracy_pct,std_pct,seeds,rank,best
        "<b>&""q","x,1",clean,25.00,0.00,1,2,false
        "<b>&""q",y|z,clean,50.00,0.00,1,1,true
        """, PaperTableWriter.csv(t));
    assertTrue(PaperTableWriter.markdown(t).contains("| <b>&\"q | y\\|z | **50.00 (1)** |"), PaperTableWriter.markdown(t));
    assertTrue(PaperTableWriter.latex(t).contains("<b>\\&\"q & x,1 & 25.00 (2) \\\\\n & y|z &"), PaperTableWriter.latex(t));
  }

  @Test
  void withoutSeedsNoStdIsShown() throws Exception {
    String md = PaperTableWriter.markdown(PaperTable.of(QuickstartFixture.table()));
    assertTrue(md.contains("| dense | drelu | **96.70 (1)** | **52.80 (1)** | **31.30 (1)** | **16.30 (1)** |"), md);
    assertTrue(md.contains("| cnn | relu | 97.50 (2) | 81.40 (2) | 56.80 (2) | 56.80 (2) | 56.80 (2) |"), md);
  }
}
