package dev.drelu.reproduce;

import dev.drelu.report.Charts;
import dev.drelu.report.Html;
import dev.drelu.report.HtmlTable;
import dev.drelu.report.ImageFiles;
import dev.drelu.report.MarkdownTable;
import dev.drelu.report.ReportWriter;
import dev.drelu.report.TextTable;
import dev.drelu.stats.CsvWriter;
import dev.drelu.stats.StatsText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a reproduction: {@code reproduction.md}, {@code reproduction.csv} (one line per paper
 * cell), {@code accuracy-paper.csv} / {@code accuracy-faithful.csv} / {@code accuracy-sound.csv}
 * (the long format {@code drelu stats --table} reads, one protocol each) and
 * {@code reproduction.html} with one plot per metric (paper vs faithful vs sound per model).
 *
 * <p>Every number of a row whose model the sound diagnostics flag carries {@link #FLAG}, in every
 * table. The folder is written beside the target and moved into place whole, so a failure never
 * leaves a half-written reproduction.
 */
public final class ReproductionWriter {
  /** The mark on every number that rests on a model flagged for gradient masking. */
  public static final String FLAG = " (masking?)";

  private ReproductionWriter() {}

  /** What a reproduction says besides its table. */
  public record Context(String spec, Path faithfulPreset, Path soundPreset, List<String> faithfulAttacks,
      List<String> soundAttacks, List<String> cuts) {}

  /** @return the folder written ({@code out}) */
  public static Path write(Path out, ReproductionTable table, ReproductionStatistics stats, Context context)
      throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, ".reproduction-");
    try {
      Files.writeString(staging.resolve("reproduction.md"), markdown(table, stats, context), StandardCharsets.UTF_8);
      Files.writeString(staging.resolve("reproduction.csv"), csv(table), StandardCharsets.UTF_8);
      Files.writeString(staging.resolve("accuracy-paper.csv"), accuracy(table, ReproductionStatistics.PRINTED, ReproductionTable.Row::paper),
          StandardCharsets.UTF_8);
      Files.writeString(staging.resolve("accuracy-faithful.csv"), accuracy(table, dev.drelu.attack.Protocol.PAPER.key(),
          ReproductionTable.Row::faithful), StandardCharsets.UTF_8);
      Files.writeString(staging.resolve("accuracy-sound.csv"), accuracy(table, dev.drelu.attack.Protocol.SOUND.key(), ReproductionTable.Row::sound),
          StandardCharsets.UTF_8);
      Files.writeString(staging.resolve("reproduction.html"), html(staging, table, stats, context),
          StandardCharsets.UTF_8);
      replace(staging, out);
    } catch (IOException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
    return out;
  }

  static String markdown(ReproductionTable table, ReproductionStatistics stats, Context c) {
    StringBuilder out = new StringBuilder();
    out.append("# Reproduction of the paper's Table ").append(table.table()).append("\n\n");
    out.append("Spec: `").append(c.spec()).append("`. Accuracies in %; `paper` as printed; `faithful` = drelu under")
        .append(" the authors' protocol (`").append(c.faithfulPreset()).append("`: ")
        .append(String.join(", ", c.faithfulAttacks())).append("); `sound` = the per-example worst case of a sound")
        .append(" evaluation in the cell's threat model (`").append(c.soundPreset()).append("` and the spec's")
        .append(" adaptive attacks: ").append(String.join(", ", c.soundAttacks())).append("); `faithful worst` =")
        .append(" the per-example worst case of the faithful attacks in that threat model. Numbers marked `")
        .append(FLAG.trim()).append("` rest on a model the sound diagnostics flag for gradient masking.\n\n");
    if (!c.cuts().isEmpty()) {
      out.append("Cuts of this run:\n");
      c.cuts().forEach(cut -> out.append("- ").append(cut).append('\n'));
      out.append('\n');
    }
    out.append(MarkdownTable.render(textTable(table))).append('\n');
    List<String> evidence = new ArrayList<>(new LinkedHashSet<>(table.rows().stream()
        .filter(r -> !r.evidence().isEmpty()).map(ReproductionTable.Row::evidence).toList()));
    if (!evidence.isEmpty()) {
      out.append("Masking evidence (sound diagnostics):\n");
      evidence.forEach(e -> out.append("- ").append(e).append('\n'));
      out.append('\n');
    }
    out.append("## Statistics, one source at a time\n\n");
    for (ReproductionStatistics.Outcome o : List.of(stats.paper(), stats.faithful(), stats.sound())) {
      out.append("### ").append(title(o)).append("\n\n");
      out.append(flagNote(o, table));
      out.append(o.result() == null ? "Not computed: " + o.missing() + "\n" : (o.missing().isEmpty() ? ""
          : "Architectures " + o.missing() + "\n\n") + StatsText.markdown(o.result()));
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * @return for drelu's own statistics, the methods whose ranks rest on a model the diagnostics
   *     flag, so the flag travels into the statistics too; "" for the paper's numbers or when none is
   */
  private static String flagNote(ReproductionStatistics.Outcome o, ReproductionTable table) {
    if (ReproductionStatistics.PRINTED.equals(o.source())) {
      return "";
    }
    List<String> flagged = table.rows().stream().filter(ReproductionTable.Row::flagged)
        .map(ReproductionTable.Row::method).distinct().toList();
    return flagged.isEmpty() ? "" : "Flagged" + FLAG + ": the values of " + String.join(", ", flagged)
        + " rest on models the sound diagnostics flag for gradient masking, and so do their ranks below.\n\n";
  }

  private static String title(ReproductionStatistics.Outcome o) {
    return switch (o.source()) {
      case ReproductionStatistics.PRINTED -> "The paper's own numbers (recomputed)";
      case "sound" -> "drelu, sound evaluation";
      default -> "drelu, the paper's protocol (faithful)";
    };
  }

  static TextTable textTable(ReproductionTable table) {
    List<TextTable.Column> columns = new ArrayList<>(Stream.of("architecture", "method", "metric", "threat model",
        "models").map(TextTable.Column::left).toList());
    Stream.of("paper", "faithful", "sound", "faithful worst", "faithful - paper", "sound - faithful")
        .forEach(n -> columns.add(TextTable.Column.right(n)));
    columns.add(TextTable.Column.left("masking?"));
    List<TextTable.Row> rows = new ArrayList<>();
    for (ReproductionTable.Row r : table.rows()) {
      String mark = r.flagged() ? FLAG : "";
      List<String> cells = new ArrayList<>(List.of(r.architecture(), r.method(), r.metric(), r.threatModel(),
          r.hasModel() ? r.models() : "no model in the spec", number(r.paper(), "")));
      for (double v : new double[] {r.faithful(), r.sound(), r.faithfulWorst(), r.faithfulMinusPaper(),
          r.soundMinusFaithful()}) {
        cells.add(number(v, mark));
      }
      cells.add(r.masking());
      rows.add(new TextTable.Row(cells.stream().map(TextTable.Cell::of).toList(), r.flagged()));
    }
    return new TextTable("reproduction", columns, rows, false);
  }

  private static String number(double v, String mark) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v) + mark;
  }

  static String csv(ReproductionTable table) {
    List<List<?>> rows = new ArrayList<>();
    for (ReproductionTable.Row r : table.rows()) {
      rows.add(List.of(table.table(), r.architecture(), r.method(), r.metric(), r.threatModel(), r.models(),
          csvNumber(r.paper()), csvNumber(r.faithful()), csvNumber(r.sound()), csvNumber(r.faithfulWorst()),
          csvNumber(r.faithfulMinusPaper()), csvNumber(r.soundMinusFaithful()), r.masking(), r.evidence(),
          r.flagged() ? "masking" : ""));
    }
    return CsvWriter.write(List.of("table", "architecture", "method", "metric", "threat_model", "models", "paper",
        "faithful", "sound", "faithful_worst", "faithful_minus_paper", "sound_minus_faithful", "masking", "evidence",
        "flags"), rows);
  }

  private static String csvNumber(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** @return one protocol's values in {@code drelu stats}' long format, with a protocol column */
  private static String accuracy(ReproductionTable table, String protocol,
      java.util.function.ToDoubleFunction<ReproductionTable.Row> value) {
    List<List<?>> rows = new ArrayList<>();
    for (ReproductionTable.Row r : table.rows()) {
      double v = value.applyAsDouble(r);
      if (!Double.isNaN(v)) {
        rows.add(List.of(r.architecture(), r.method(), r.metric(), String.format(Locale.ROOT, "%.4f", v / 100),
            protocol));
      }
    }
    return CsvWriter.write(List.of("architecture", "method", "metric", "accuracy", "protocol"), rows);
  }

  private static String html(Path dir, ReproductionTable table, ReproductionStatistics stats, Context c)
      throws IOException {
    StringBuilder body = new StringBuilder("<section id=\"reproduction\">\n<h1>Reproduction of the paper's Table ")
        .append(table.table()).append("</h1>\n<p>").append(Html.escape("Spec " + c.spec() + ". paper = printed;"
            + " faithful = the authors' protocol (" + c.faithfulPreset() + "); sound = per-example worst case of "
            + String.join(", ", c.soundAttacks()) + " in the cell's threat model. Rows in red rest on a model"
            + " flagged for gradient masking."))
        .append("</p>\n");
    if (!c.cuts().isEmpty()) {
      body.append("<ul>");
      c.cuts().forEach(cut -> body.append("<li>").append(Html.escape(cut)).append("</li>"));
      body.append("</ul>\n");
    }
    body.append(HtmlTable.render(textTable(table)));
    Path plots = Files.createDirectories(dir.resolve("plots"));
    Set<String> metrics = new LinkedHashSet<>();
    table.rows().forEach(r -> metrics.add(r.metric()));
    for (String metric : metrics) {
      List<ReproductionTable.Row> rows = table.rows().stream().filter(r -> r.metric().equals(metric)).toList();
      List<String> models = rows.stream().map(r -> r.architecture() + " " + r.method()
          + (r.flagged() ? " (masking?)" : "")).toList();
      Map<String, double[]> series = new LinkedHashMap<>();
      series.put("paper", rows.stream().mapToDouble(ReproductionTable.Row::paper).toArray());
      series.put("faithful", rows.stream().mapToDouble(ReproductionTable.Row::faithful).toArray());
      series.put("sound", rows.stream().mapToDouble(ReproductionTable.Row::sound).toArray());
      ImageFiles.Figure f = ImageFiles.write(Charts.reproduction("Table " + table.table() + ", " + metric
          + ": paper vs faithful vs sound", models, series), plots, "reproduction-" + metric, 900, 480);
      String png = dir.relativize(f.png()).toString().replace('\\', '/');
      body.append("<figure><img src=\"").append(Html.escape(png)).append("\" alt=\"").append(Html.escape(metric))
          .append("\"><figcaption>").append(Html.escape(metric)).append("</figcaption></figure>\n");
    }
    body.append("<h2>Statistics, one source at a time</h2>\n");
    for (ReproductionStatistics.Outcome o : List.of(stats.paper(), stats.faithful(), stats.sound())) {
      body.append("<h3>").append(Html.escape(title(o))).append("</h3>\n");
      String note = flagNote(o, table);
      if (!note.isEmpty()) {
        body.append("<p class=\"flagged\">").append(Html.escape(note.strip())).append("</p>\n");
      }
      body.append("<pre>")
          .append(Html.escape(o.result() == null ? "Not computed: " + o.missing() : StatsText.markdown(o.result())))
          .append("</pre>\n");
    }
    body.append("</section>\n");
    return ReportWriter.page("Reproduction of Table " + table.table(), body.toString());
  }

  /** Moves the finished folder into place, replacing an older reproduction only once the new one is complete. */
  private static void replace(Path staging, Path out) throws IOException {
    Path old = null;
    if (Files.exists(out)) {
      old = out.resolveSibling(out.getFileName() + ".old-" + System.nanoTime());
      Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
