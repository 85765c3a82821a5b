package dev.drelu.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes accuracy tables as long CSV, the format {@code drelu stats --table} takes.
 *
 * <h2>Format</h2>
 * <ul>
 *   <li>UTF-8 text, comma-separated, a header line first. Fields may be quoted with {@code "}
 *       (a doubled {@code ""} inside quotes is one quote). Blank lines and lines starting with
 *       {@code #} are ignored.
 *   <li>Required columns, in any order, names case-insensitive: {@code architecture},
 *       {@code method}, {@code metric}, {@code accuracy}. Optional: {@code seed}. Other columns
 *       are ignored.
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
 * Every problem is reported at once, each as {@code file:line: what is wrong}.
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
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    int headerLine = -1;
    Map<String, Integer> column = new HashMap<>();
    record Parsed(int line, String architecture, String method, String metric, double value, String seed) {}
    List<Parsed> parsed = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      int number = i + 1;
      List<String> fields;
      try {
        fields = split(line);
      } catch (IllegalArgumentException e) {
        problems.add(source + ":" + number + ": " + e.getMessage());
        continue;
      }
      if (headerLine < 0) {
        headerLine = number;
        for (int c = 0; c < fields.size(); c++) {
          column.putIfAbsent(fields.get(c).strip().toLowerCase(Locale.ROOT), c);
        }
        List<String> missing = REQUIRED.stream().filter(r -> !column.containsKey(r)).toList();
        if (!missing.isEmpty()) {
          String hint = column.containsKey("model") && missing.contains("architecture")
              ? "; a 'model' column is not enough: split each model name into architecture and method" : "";
          throw new TableFormatException(List.of(source + ":" + number + ": header must have the column(s) "
              + String.join(", ", missing) + " (required: " + String.join(", ", REQUIRED) + "; optional: seed), "
              + "but was: " + line.strip() + hint));
        }
        continue;
      }
      String architecture = field(fields, column.get("architecture"));
      String method = field(fields, column.get("method"));
      String metric = field(fields, column.get("metric"));
      String value = field(fields, column.get("accuracy"));
      String seed = column.containsKey("seed") ? field(fields, column.get("seed")) : "";
      List<String> empty = new ArrayList<>();
      for (String name : REQUIRED) {
        if (field(fields, column.get(name)).isEmpty()) {
          empty.add(name);
        }
      }
      if (!empty.isEmpty()) {
        problems.add(source + ":" + number + ": " + String.join(", ", empty) + " must not be empty"
            + (fields.size() < column.size() ? " (the line has " + fields.size() + " field(s), the header "
            + column.size() + ")" : ""));
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
      parsed.add(new Parsed(number, architecture, method, metric, v, seed));
    }
    if (headerLine < 0) {
      throw new TableFormatException(List.of(source + ": the file is empty; expected a header with "
          + String.join(", ", REQUIRED)));
    }
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
    StringBuilder out = new StringBuilder("architecture,method,metric,accuracy,seed\n");
    for (AccuracyTable.Row r : table.rows()) {
      out.append(quote(r.architecture())).append(',').append(quote(r.method())).append(',')
          .append(quote(r.metric())).append(',').append(r.accuracy()).append(',').append(quote(r.seed())).append('\n');
    }
    return out.toString();
  }

  /** @return the field quoted when it holds a comma, quote or line break (RFC 4180) */
  public static String quote(String field) {
    if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
      return '"' + field.replace("\"", "\"\"") + '"';
    }
    return field;
  }

  private static String field(List<String> fields, int index) {
    return index < fields.size() ? fields.get(index).strip() : "";
  }

  /**
   * @param line one CSV line
   * @return its fields, split on commas outside quotes, quotes removed
   * @throws IllegalArgumentException if a quoted field is not closed
   */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          current.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          current.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted field is not closed");
    }
    out.add(current.toString());
    return out;
  }
}
