package dev.drelu.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.drelu.store.DurableFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a side-by-side result and writes it as CSV and JSON. */
public final class BenchTable {
  private BenchTable() {}

  public static void print(SideBySide.Result r, PrintWriter out) {
    BenchSettings s = r.settings();
    out.printf(Locale.ROOT, "drelu bench --against pytorch: %d runs alternated (training: at least), %d thread(s) each side, reference torch %s%n",
        s.runs(), s.threads(), r.referenceTorch());
    out.printf(Locale.ROOT, "training: %d steps x batch %d, %d epochs a run, the last %d timed; per model %d s of untimed"
        + " drelu warm-up, then at least %d runs and %d s of timed ones%n", s.steps(), s.batchSize(),
        BenchSettings.EPOCHS, BenchSettings.TIMED_EPOCHS, s.warmUpSeconds(), s.runs(), s.trainingSeconds());
    out.printf(Locale.ROOT, "attacks: %d images in batches of %d, whole passes for at least %d s%n", s.attackImages(),
        s.attackBatch(), s.attackSeconds());
    out.printf(Locale.ROOT, "load average at start: %s, at end: %s%n", r.loadAtStart(), r.loadAtEnd());
    out.printf(Locale.ROOT, "native allocator, both sides: %s%n", r.nativeAllocator());
    out.printf(Locale.ROOT, "%-38s %28s %28s %8s %9s %9s %5s%n", "measure", "drelu min/median/max", "reference min/median/max",
        "ratio", "drelu MB", "ref MB", "runs");
    for (BenchRow row : r.rows()) {
      out.printf(Locale.ROOT, "%-38s %28s %28s %8s %9s %9s %5d%n", row.measure(), spread(row.drelu()),
          row.reference().isEmpty() ? "-" : spread(row.reference()),
          Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", row.ratio()),
          row.dreluMegabytes() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", row.dreluMegabytes()),
          Double.isNaN(row.referenceMegabytes()) ? "-" : String.format(Locale.ROOT, "%.0f", row.referenceMegabytes()),
          row.drelu().size());
    }
    out.println("(ratio > 1: drelu faster; rates are drelu/reference, times reference/drelu; drelu MB = the JVM's"
        + " resident memory after the row, ref MB = the reference process's peak)");
    out.println("equal work:");
    for (SideBySide.EqualLoss l : r.losses()) {
      out.printf(Locale.ROOT, "  %-12s initial loss on the first batch: drelu %.7f, reference %.7f, |difference| %.1e%n",
          l.model(), l.drelu(), l.reference(), l.difference());
    }
    for (SideBySide.Agreement a : r.agreements()) {
      out.printf(Locale.ROOT, "  %-12s %s per-example success: drelu %d/%d, reference %d/%d, same verdict on %.0f%%%n",
          a.model(), a.attack(), count(a.drelu()), a.drelu().size(), count(a.reference()), a.reference().size(),
          100 * a.agreeing());
    }
    out.flush();
  }

  /** @return the CSV file written beside a JSON file of the same name under {@code folder} */
  public static Path write(SideBySide.Result r, Path folder, String stamp) throws IOException {
    Files.createDirectories(folder);
    StringBuilder csv = new StringBuilder(
        "measure,drelu_min,drelu_median,drelu_max,reference_min,reference_median,reference_max,ratio,drelu_mb,reference_mb,"
            + "load_start,load_end\n");
    for (BenchRow row : r.rows()) {
      Spread d = Spread.of(row.drelu());
      Spread ref = row.reference().isEmpty() ? new Spread(Double.NaN, Double.NaN, Double.NaN) : Spread.of(row.reference());
      csv.append(String.format(Locale.ROOT, "%s,%g,%g,%g,%g,%g,%g,%g,%g,%g,%s,%s%n", row.measure(), d.min(), d.median(),
          d.max(), ref.min(), ref.median(), ref.max(), row.ratio(), row.dreluMegabytes(), row.referenceMegabytes(),
          r.loadAtStart(), r.loadAtEnd()));
    }
    Path csvFile = folder.resolve("bench-" + stamp + ".csv");
    writeAtomically(csvFile, csv.toString());
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("runs", r.settings().runs());
    settings.put("threads", r.settings().threads());
    settings.put("steps", r.settings().steps());
    settings.put("batchSize", r.settings().batchSize());
    settings.put("epochs", BenchSettings.EPOCHS);
    settings.put("timedEpochs", BenchSettings.TIMED_EPOCHS);
    settings.put("warmUpSeconds", r.settings().warmUpSeconds());
    settings.put("trainingSeconds", r.settings().trainingSeconds());
    settings.put("attackImages", r.settings().attackImages());
    settings.put("attackBatch", r.settings().attackBatch());
    settings.put("attackSeconds", r.settings().attackSeconds());
    json.put("settings", settings);
    json.put("referenceTorch", r.referenceTorch());
    json.put("loadAtStart", r.loadAtStart());
    json.put("loadAtEnd", r.loadAtEnd());
    json.put("nativeAllocator", r.nativeAllocator());
    json.put("rows", r.rows().stream().map(row -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("measure", row.measure());
      m.put("drelu", row.drelu());
      m.put("reference", row.reference());
      m.put("ratio", Double.isNaN(row.ratio()) ? null : row.ratio());
      m.put("dreluMegabytes", row.dreluMegabytes());
      m.put("referenceMegabytes", Double.isNaN(row.referenceMegabytes()) ? null : row.referenceMegabytes());
      return m;
    }).toList());
    json.put("equalLoss", r.losses());
    json.put("agreement", r.agreements().stream().map(a -> Map.of("model", a.model(), "attack", a.attack(),
        "agreeing", a.agreeing())).toList());
    writeAtomically(folder.resolve("bench-" + stamp + ".json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    return csvFile;
  }

  /** Via a temporary file and a rename: a crash never leaves a half-written result a later reader trusts. */
  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + "." + DurableFiles.uniqueSuffix() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      DurableFiles.rename(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String spread(List<Double> v) {
    Spread s = Spread.of(v);
    return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", s.min(), s.median(), s.max());
  }

  private static long count(List<Boolean> v) {
    return v.stream().filter(b -> b).count();
  }
}
