package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.AccuracyTable;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path dir;

  /** @return every src="..." and href="..." that is not a web link or an anchor */
  static List<String> localReferences(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      String ref = m.group(1);
      if (!ref.startsWith("#") && !ref.startsWith("http://") && !ref.startsWith("https://")) {
        out.add(ref);
      }
    }
    return out;
  }

  @Test
  void quickstartReportHasEverySectionAndEveryFileItNames() throws Exception {
    Report report = ReportWriter.write(QuickstartFixture.input(), dir);
    String html = Files.readString(report.index());
    for (String id : List.of("accuracy", "statistics", "lambda", "eps", "training", "masking", "runs")) {
      assertTrue(html.contains("<h2 id=\"" + id + "\">"), id);
    }
    assertEquals(4, count(html, "<table"), "accuracy, tests, ranks, masking");
    // figures: CD + 2 lambda (dense, cnn) + 1 eps + 4 training curves
    assertEquals(8, count(html, "<img "));
    List<String> refs = localReferences(html);
    assertEquals(8 * 2 + 5, refs.size(), refs.toString()); // png + svg per figure, 4 tables + long CSV
    for (String ref : refs) {
      assertTrue(Files.isRegularFile(dir.resolve(ref)), ref);
    }
    for (Path rel : report.files()) {
      assertTrue(Files.size(dir.resolve(rel)) > 0, rel.toString());
    }
    assertTrue(html.contains("<h1>drelu quickstart &lt;report&gt;</h1>"), "the title is escaped");
    assertTrue(html.contains("href=\"http://127.0.0.1:5117/#/experiments/1/runs/def?x=1&amp;y=&lt;2&gt;\""));
    assertFalse(html.contains("<script"), "a static page");
    assertTrue(html.contains("<strong>96.70 (1)</strong>"), "the best is bold");
    assertTrue(html.contains("21.8% of inputs have an exactly zero gradient"));
  }

  @Test
  void figuresArePngsOfTheirSizeAndSvgDocuments() throws Exception {
    Report report = ReportWriter.write(QuickstartFixture.input(), dir);
    BufferedImage cd = ImageIO.read(dir.resolve("plots/critical-difference.png").toFile());
    assertEquals(ReportWriter.WIDTH, cd.getWidth());
    BufferedImage training = ImageIO.read(dir.resolve("plots/training-2-dense-drelu-quick-s1.png").toFile());
    assertEquals(640, training.getHeight());
    assertTrue(distinctColours(training) > 20, "the chart has content, not a blank page");
    String svg = Files.readString(dir.resolve("plots/training-2-dense-drelu-quick-s1.svg"));
    assertTrue(svg.contains("<svg") && svg.contains("cap mean"), "the D-ReLU model's curves include its caps");
    String reluSvg = Files.readString(dir.resolve("plots/training-1-dense-relu-s1.svg"));
    assertFalse(reluSvg.contains("cap mean"), "a ReLU model has no caps to plot");
    String cdSvg = Files.readString(dir.resolve("plots/critical-difference.svg"));
    assertTrue(cdSvg.contains("CD = ") && cdSvg.contains("CD = 0.620 (alpha = 0.05)")
        && cdSvg.contains("drelu (1.00)") && cdSvg.contains("relu (2.00)"), cdSvg);
    assertTrue(report.files().contains(Path.of("tables", "accuracy.tex")));
  }

  @Test
  void withoutOptionalPartsTheSectionsAreLeftOutAndStatsExplained() throws Exception {
    AccuracyTable one = AccuracyCsv.parse("architecture,method,metric,accuracy\na,x,clean,0.5\n", "one.csv");
    Report report = ReportWriter.write(ReportInput.builder().setTitle("t").setPipeline("p").setTable(one).build(), dir);
    String html = Files.readString(report.index());
    assertTrue(html.contains("Not computed: the tests need at least 2 methods"), html);
    assertFalse(html.contains("<img "));
    assertFalse(html.contains("id=\"masking\""));
  }

  @Test
  void lipschitzEstimatesStandBesideTheWorstCaseAndCarryTheMaskingFlag() throws Exception {
    AccuracyTable one = AccuracyCsv.parse("architecture,method,metric,accuracy\na,x,clean,0.5\n", "one.csv");
    Report report = ReportWriter.write(ReportInput.builder().setTitle("t").setPipeline("p").setTable(one)
        .addLipschitz(new LipschitzRow("dense-relu s1", "Linf 0.1", 0.086, 3.5, 6.25, 3.0, 5.5, ""))
        .addLipschitz(new LipschitzRow("dense-drelu s1", "Linf 0.1", 0.24, 0.125, 1.5, Double.NaN, 0.75,
            "possible gradient masking"))
        .build(), dir);
    String html = Files.readString(report.index());
    assertTrue(html.contains("<h2 id=\"lipschitz\">") && html.contains("href=\"#lipschitz\""), html);
    assertTrue(html.contains("<tr><td>dense-relu s1</td><td>Linf 0.1</td><td>8.60</td><td>3.500</td><td>6.250</td>"
        + "<td>3.000</td><td>5.500</td><td></td></tr>"), html);
    assertTrue(html.contains("<tr class=\"flagged\"><td>dense-drelu s1</td><td>Linf 0.1</td><td>24.00</td>"
        + "<td>0.1250</td><td>1.500</td><td>-</td><td>0.7500</td><td>possible gradient masking</td></tr>"), html);
  }

  @Test
  void namesWithMarkupAreEscapedInEveryTableOfThePage() throws Exception {
    AccuracyTable t = AccuracyCsv.parse("architecture,method,metric,accuracy\n"
        + "\"<i>a & \"\"b\"\"\",x,clean,0.5\n\"<i>a & \"\"b\"\"\",y,clean,0.4\n", "t.csv");
    Report report = ReportWriter.write(ReportInput.builder().setTitle("t").setPipeline("p").setTable(t)
        .addMasking(new MaskingDiagnostic("<i>a & \"b\" x", "zero-grad (%)", 1.0, "<b>flag</b>")).build(), dir);
    String html = Files.readString(report.index());
    assertTrue(html.contains("<tr><td>&lt;i&gt;a &amp; &quot;b&quot;</td><td>x</td>"), html);
    assertTrue(html.contains("<tr class=\"flagged\"><td>&lt;i&gt;a &amp; &quot;b&quot; x</td><td>zero-grad (%)</td>"
        + "<td>1.000</td><td>&lt;b&gt;flag&lt;/b&gt;</td></tr>"), html);
    assertFalse(html.contains("<i>") || html.contains("<b>"), html);
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    var e = assertThrows(IllegalArgumentException.class, () -> ReportInput.builder().setTitle("t").build());
    assertEquals("a report needs pipeline (setPipeline), accuracy table (setTable)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RunLink("x", "javascript:alert(1)"));
    assertTrue(e.getMessage().startsWith("run link url must start with http:// or https://"));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static int distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
