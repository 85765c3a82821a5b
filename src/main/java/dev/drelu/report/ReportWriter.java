package dev.drelu.report;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.StatsText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes the report of one pipeline execution into a folder: {@code index.html}, the figures
 * under {@code plots/} (PNG shown, SVG linked), the accuracy table under {@code tables/} in
 * Markdown, CSV, HTML and LaTeX, the statistics as Markdown, and the input table as long CSV
 * under {@code data/}. The page is static and self-contained: no scripts, no external fetches,
 * every text escaped.
 */
public final class ReportWriter {
  static final int WIDTH = 900;
  static final int HEIGHT = 480;

  private ReportWriter() {}

  /**
   * @param input what to show
   * @param dir the report folder; created if missing, files of the same name are replaced
   * @return the files written
   * @throws IOException if a file cannot be written
   */
  public static Report write(ReportInput input, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    Page page = new Page(input.title());
    page.raw("<p class=\"meta\">pipeline <code>" + Html.escape(input.pipeline()) + "</code> &middot; "
        + input.table().architectures().size() + " architecture(s), " + input.table().methods().size()
        + " method(s), " + input.table().metrics().size() + " metric(s)</p>\n");
    page.contents(input);

    PaperTable table = PaperTable.of(input.table());
    page.section("accuracy", "Accuracy (%)");
    page.raw("<p>Mean over seeds" + (table.hasSeeds() ? " &plusmn; standard deviation" : "")
        + "; rank among the methods of the same architecture in parentheses; the best in bold.</p>\n");
    page.raw(PaperTableWriter.html(table));
    List<String> downloads = new ArrayList<>();
    for (TableFormat f : TableFormat.values()) {
      Path rel = Path.of("tables", "accuracy." + f.extension());
      files.add(text(dir, rel, PaperTableWriter.write(table, f)));
      downloads.add(link(rel, f.name().toLowerCase(Locale.ROOT)));
    }
    files.add(text(dir, Path.of("data", "accuracy-long.csv"), AccuracyCsv.write(input.table())));
    downloads.add(link(Path.of("data", "accuracy-long.csv"), "long CSV (drelu stats --table)"));
    page.raw("<p class=\"downloads\">Table as " + String.join(" &middot; ", downloads) + "</p>\n");

    page.section("statistics", "Statistics");
    if (input.stats() == null) {
      page.raw("<p>Not computed: the tests need at least 2 methods and 2 rows (architecture &times; metric).</p>\n");
    } else {
      page.raw(StatsHtml.fragment(input.stats()));
      files.add(text(dir, Path.of("tables", "statistics.md"), StatsText.markdown(input.stats())));
      CriticalDifferenceDiagram cd = new CriticalDifferenceDiagram(input.stats().nemenyi());
      page.figure(files, dir, ImageFiles.write(cd, dir.resolve("plots"), "critical-difference", WIDTH,
          CriticalDifferenceDiagram.heightFor(input.stats().nemenyi())), "Critical difference diagram (Nemenyi)");
    }

    if (input.lambdaSweep() != null) {
      page.section("lambda", "Accuracy against lambda");
      int i = 0;
      for (String a : input.lambdaSweep().distinct(SweepTable.Point::architecture)) {
        page.figure(files, dir, ImageFiles.write(Charts.accuracyVsLambda(input.lambdaSweep(), a), dir.resolve("plots"),
            "lambda-" + (++i) + "-" + slug(a), WIDTH, HEIGHT), a + ": accuracy against lambda");
      }
    }
    if (input.epsSweep() != null) {
      page.section("eps", "Accuracy against eps");
      int i = 0;
      SweepTable eps = input.epsSweep();
      for (String a : eps.distinct(SweepTable.Point::architecture)) {
        for (String m : eps.distinct(SweepTable.Point::metric)) {
          if (eps.points().stream().anyMatch(p -> p.architecture().equals(a) && p.metric().equals(m))) {
            page.figure(files, dir, ImageFiles.write(Charts.accuracyVsEps(eps, a, m), dir.resolve("plots"),
                "eps-" + (++i) + "-" + slug(a + "-" + m), WIDTH, HEIGHT), a + ", " + m + ": accuracy against eps");
          }
        }
      }
    }
    if (!input.histories().isEmpty()) {
      page.section("training", "Training curves");
      int i = 0;
      for (TrainingHistory h : input.histories()) {
        page.figure(files, dir, ImageFiles.write(Charts.trainingCurves(h), dir.resolve("plots"),
            "training-" + (++i) + "-" + slug(h.model()), WIDTH, 640), h.model() + ": loss, accuracy and caps per epoch");
      }
    }
    if (!input.masking().isEmpty()) {
      page.section("masking", "Gradient-masking diagnostics");
      List<TextTable.Row> rows = input.masking().stream().map(m -> new TextTable.Row(Stream.of(m.model(), m.metric(),
          value(m.value()), m.flag()).map(TextTable.Cell::of).toList(), !m.flag().isEmpty())).toList();
      page.raw(HtmlTable.render(new TextTable("masking", List.of(TextTable.Column.left("model"),
          TextTable.Column.left("diagnostic"), TextTable.Column.right("value"), TextTable.Column.left("flag")), rows,
          false)));
    }
    if (!input.lipschitz().isEmpty()) {
      page.section("lipschitz", "Local Lipschitz estimates");
      page.raw("<p>How far each model's logits move (L2) per unit of input change near the attacked inputs, "
          + "beside its worst-case robust accuracy in the same ball. Both estimates are lower bounds: a gradient "
          + "search for the largest ratio, and the largest Jacobian norm at points drawn from the ball (in the spirit "
          + "of CLEVER). The paper's claim is that lower caps make this smaller.</p>\n");
      List<TextTable.Row> rows = input.lipschitz().stream().map(l -> new TextTable.Row(Stream.of(l.model(),
          l.threatModel(), percent(l.robustAccuracy()), value(l.meanSearched()), value(l.maxSearched()),
          value(l.meanSampled()), value(l.maxSampled()), l.flag()).map(TextTable.Cell::of).toList(), !l.flag().isEmpty()))
          .toList();
      page.raw(HtmlTable.render(new TextTable("lipschitz", List.of(TextTable.Column.left("model"),
          TextTable.Column.left("ball"), TextTable.Column.right("worst case (%)"),
          TextTable.Column.right("searched mean"), TextTable.Column.right("searched max"),
          TextTable.Column.right("sampled mean"), TextTable.Column.right("sampled max"), TextTable.Column.left("flag")),
          rows, false)));
    }
    if (!input.runs().isEmpty()) {
      page.section("runs", "MLflow runs");
      page.raw("<ul class=\"runs\">\n");
      for (RunLink r : input.runs()) {
        page.raw("<li><a href=\"" + Html.escape(r.url()) + "\">" + Html.escape(r.label()) + "</a></li>\n");
      }
      page.raw("</ul>\n");
    }
    Path index = dir.resolve("index.html");
    Files.writeString(index, page.finish(), StandardCharsets.UTF_8);
    files.add(0, Path.of("index.html"));
    return new Report(dir, index, files);
  }

  private static Path text(Path dir, Path rel, String content) throws IOException {
    Path file = dir.resolve(rel);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return rel;
  }

  private static String link(Path rel, String label) {
    return "<a href=\"" + Html.escape(href(rel)) + "\">" + Html.escape(label) + "</a>";
  }

  static String href(Path rel) {
    return rel.toString().replace('\\', '/');
  }

  /** @return a file-name-safe form of a label (the figure index keeps names unique) */
  static String slug(String label) {
    String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "x" : s.substring(0, Math.min(40, s.length()));
  }

  private static String value(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
  }

  /** @return a fraction as a percentage with two decimals, as the tables print accuracies */
  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
  }

  /** The HTML page being assembled. */
  private static final class Page {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    Page(String title) {
      this.title = title;
      body.append("<h1>").append(Html.escape(title)).append("</h1>\n");
    }

    void raw(String html) {
      body.append(html);
    }

    void contents(ReportInput in) {
      List<String> items = new ArrayList<>(List.of("accuracy:Accuracy", "statistics:Statistics"));
      if (in.lambdaSweep() != null) {
        items.add("lambda:Accuracy against lambda");
      }
      if (in.epsSweep() != null) {
        items.add("eps:Accuracy against eps");
      }
      if (!in.histories().isEmpty()) {
        items.add("training:Training curves");
      }
      if (!in.masking().isEmpty()) {
        items.add("masking:Masking diagnostics");
      }
      if (!in.lipschitz().isEmpty()) {
        items.add("lipschitz:Lipschitz estimates");
      }
      if (!in.runs().isEmpty()) {
        items.add("runs:MLflow runs");
      }
      body.append("<nav><ul>\n");
      for (String item : items) {
        String[] p = item.split(":", 2);
        body.append("<li><a href=\"#").append(p[0]).append("\">").append(p[1]).append("</a></li>\n");
      }
      body.append("</ul></nav>\n");
    }

    void section(String id, String heading) {
      body.append("<h2 id=\"").append(id).append("\">").append(Html.escape(heading)).append("</h2>\n");
    }

    void figure(List<Path> files, Path dir, ImageFiles.Figure f, String caption) {
      Path png = dir.relativize(f.png());
      Path svg = dir.relativize(f.svg());
      files.add(png);
      files.add(svg);
      body.append("<figure><img src=\"").append(Html.escape(href(png))).append("\" alt=\"").append(Html.escape(caption))
          .append("\"><figcaption>").append(Html.escape(caption)).append(" &middot; <a href=\"")
          .append(Html.escape(href(svg))).append("\">SVG</a></figcaption></figure>\n");
    }

    String finish() {
      return page(title, body.toString());
    }
  }

  /** @return a whole page in the report's style around {@code body} (HTML), titled {@code title} (text) */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Html.escape(title)
        + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
  }

  private static final String CSS = """
      body { font-family: sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
      table { border-collapse: collapse; margin: 0.5em 0 1em; }
      th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
      th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
      td.best { background: #eef6ee; }
      tr.flagged td { background: #fff3e0; }
      figure { margin: 1em 0; }
      figure img { max-width: 100%; border: 1px solid #eee; }
      figcaption { font-size: 0.9em; color: #555; }
      nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1em; }
      .meta, .downloads { color: #555; }
      """;
}
