package dev.drelu.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes accuracy tables as long CSV, the format {@code drelu stats --table} takes.
 *
 * <h2>Format</h2>
 * <ul>
 *   <li>UTF-8 text, comma-separated, a header line first. Fields may be quoted with {@code "}
 *       (a doubled {@code ""} inside quotes is one quote); a quoted field may hold commas and
 *       line breaks. Blank lines and lines starting with {@code #} are ignored.
 *   <li>Required columns, in any order, names case-insensitive: {@code architecture},
 *       {@code method}, {@code metric}, {@code accuracy}. Optional: {@code seed}, and
 *       {@code protocol} (the evaluation, {@code sound} or {@code paper}): a table may hold one
 *       protocol only. Other columns are ignored.
 *   <li>{@code metric} is {@code clean} or an attack name ({@code fgsm}, {@code pgd}, ...); any
 *       label works, the statistics treat every architecture x metric as one row.
 *   <li>{@code accuracy} is a fraction in [0, 1] or a percentage in [0, 100]: if any value in the
 *       file is above 1, all are read as percentages.
 *   <li>One line per (architecture, method, metric, seed); several seeds are averaged. Every
 *       (architecture, metric) must have a value for every method that appears in the file.
 * </ul>
 * Example:
 * <pre>
 * architecture,method,metric,accuracy,seed
 * dense,relu,clean,0.951,1
 * dense,drelu,clean,0.967,1
 * dense,relu,pgd,0.102,1
 * dense,drelu,pgd,0.313,1
 * </pre>
 * Every problem is reported at once, each as {@code file:line: what is wrong}; a quoted field
 * may span lines (see {@link CsvLines}), its record is then named by the line it starts on.
 */
public final class AccuracyCsv {
  static final List<String> REQUIRED = List.of("architecture", "method", "metric", "accuracy");

  private AccuracyCsv() {}

  /**
   * @return the table in {@code file}
   * @throws TableFormatException listing every problem with file and line
   * @throws IOException if the file cannot be read
   */
  public static AccuracyTable read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new TableFormatException(List.of(file + ": no such file"));
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * @param text the CSV text
   * @param source the name used in messages (a file name)
   * @return the table
   * @throws TableFormatException listing every problem with source and line
   */
  public static AccuracyTable parse(String text, String source) {
    CsvLines.Records records = CsvLines.read(text, source);
    List<CsvLines.Line> lines = records.lines();
    if (lines.isEmpty()) {
      throw new TableFormatException(records.problems().isEmpty() ? List.of(source
          + ": the file is empty; expected a header with " + String.join(", ", REQUIRED)) : records.problems());
    }
    CsvLines.Header header = new CsvLines.Header(lines.get(0));
    int headerLine = header.line().number();
    List<String> missing = header.missing(REQUIRED);
    if (!missing.isEmpty()) {
      String hint = header.column("model") >= 0 && missing.contains("architecture")
          ? "; a 'model' column is not enough: split each model name into architecture and method" : "";
      throw new TableFormatException(List.of(source + ":" + headerLine + ": header must have the column(s) "
          + String.join(", ", missing) + " (required: " + String.join(", ", REQUIRED) + "; optional: seed), "
          + "but was: " + header.text() + hint));
    }
    record Parsed(int line, String architecture, String method, String metric, double value, String seed) {}
    List<Parsed> parsed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, Integer> protocols = new java.util.LinkedHashMap<>();
    for (CsvLines.Line line : lines.subList(1, lines.size())) {
      int number = line.number();
      protocols.putIfAbsent(line.field(header.column("protocol")), number);
      String value = line.field(header.column("accuracy"));
      List<String> empty = REQUIRED.stream().filter(name -> line.field(header.column(name)).isEmpty()).toList();
      if (!empty.isEmpty()) {
        problems.add(source + ":" + number + ": " + String.join(", ", empty) + " must not be empty"
            + (line.fields().size() < header.size() ? " (the line has " + line.fields().size()
            + " field(s), the header " + header.size() + ")" : ""));
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        problems.add(source + ":" + number + ": accuracy must be a number, but was: " + value);
        continue;
      }
      if (!(v >= 0 && v <= 100)) {
        problems.add(source + ":" + number + ": accuracy must be in [0, 1] or [0, 100] (%), but was: " + value);
        continue;
      }
      parsed.add(new Parsed(number, line.field(header.column("architecture")), line.field(header.column("method")),
          line.field(header.column("metric")), v, line.field(header.column("seed"))));
    }
    protocols.remove("");
    if (protocols.size() > 1) {
      // a faithful rerun of the paper's evaluation is weaker by design: pooled with sound numbers, a
      // test would compare two measuring sticks rather than two methods
      problems.add(source + ": the table mixes evaluation protocols (" + protocols.entrySet().stream()
          .map(e -> e.getKey() + " from line " + e.getValue()).collect(java.util.stream.Collectors.joining(", "))
          + "); the statistics take one protocol at a time: keep the rows of one protocol");
    }
    problems.addAll(records.problems());
    if (parsed.isEmpty() && problems.isEmpty()) {
      problems.add(source + ":" + headerLine + ": the table has a header but no rows");
    }
    boolean percent = parsed.stream().anyMatch(p -> p.value() > 1);
    List<AccuracyTable.Row> rows = new ArrayList<>();
    Map<List<String>, Integer> firstLine = new HashMap<>();
    for (Parsed p : parsed) {
      AccuracyTable.Row row = new AccuracyTable.Row(p.architecture(), p.method(), p.metric(),
          percent ? p.value() / 100 : p.value(), p.seed());
      Integer previous = firstLine.putIfAbsent(List.of(p.architecture(), p.method(), p.metric(), p.seed()), p.line());
      if (previous != null) {
        problems.add(source + ":" + p.line() + ": duplicate row " + AccuracyTable.describe(row)
            + "; first at line " + previous + (p.seed().isEmpty() ? "; add a seed column to keep several runs" : ""));
        continue;
      }
      rows.add(row);
    }
    if (problems.isEmpty()) {
      problems.addAll(missingMethods(parsed.stream().map(p -> List.of(p.architecture(), p.metric(), p.method(),
          Integer.toString(p.line()))).toList(), source));
    }
    if (!problems.isEmpty()) {
      throw new TableFormatException(problems);
    }
    return new AccuracyTable(rows);
  }

  /**
   * @param lines (architecture, metric, method, line number) per data line
   * @return one message per (architecture, metric) that lacks a method, at its first line
   */
  private static List<String> missingMethods(List<List<String>> lines, String source) {
    java.util.Set<String> methods = new java.util.LinkedHashSet<>();
    Map<List<String>, java.util.Set<String>> present = new java.util.LinkedHashMap<>();
    Map<List<String>, String> first = new HashMap<>();
    for (List<String> l : lines) {
      methods.add(l.get(2));
      present.computeIfAbsent(l.subList(0, 2), x -> new java.util.LinkedHashSet<>()).add(l.get(2));
      first.putIfAbsent(l.subList(0, 2), l.get(3));
    }
    List<String> out = new ArrayList<>();
    present.forEach((key, has) -> {
      List<String> missing = methods.stream().filter(m -> !has.contains(m)).toList();
      if (!missing.isEmpty()) {
        out.add(source + ":" + first.get(key) + ": architecture " + key.get(0) + ", metric " + key.get(1)
            + " has no row for method(s) " + String.join(", ", missing)
            + "; every architecture x metric needs every method");
      }
    });
    return out;
  }

  /** @return the table as long CSV (fractions), readable by {@link #parse} */
  public static String write(AccuracyTable table) {
    return CsvWriter.write(List.of("architecture", "method", "metric", "accuracy", "seed"), table.rows().stream()
        .map(r -> List.of(r.architecture(), r.method(), r.metric(), Double.toString(r.accuracy()), r.seed()))
        .toList());
  }
}
