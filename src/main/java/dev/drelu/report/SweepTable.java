package dev.drelu.report;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.CsvLines;
import dev.drelu.stats.TableFormatException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Accuracy measured along one swept parameter (lambda, or the attack's eps), in long form.
 * The CSV form is the accuracy CSV of {@link AccuracyCsv} with one more column named after the
 * parameter ({@code lambda} or {@code eps}); seeds are averaged.
 *
 * @param parameter the swept parameter's name, e.g. "lambda" or "eps"
 * @param points the measurements
 */
public record SweepTable(String parameter, List<Point> points) implements Serializable {
  public SweepTable {
    points = List.copyOf(points);
  }

  /**
   * One measurement.
   *
   * @param x the parameter's value
   * @param accuracy a fraction in [0, 1]
   */
  public record Point(String architecture, String method, String metric, double x, double accuracy, String seed)
      implements Serializable {
    public Point {
      if (!(accuracy >= 0 && accuracy <= 1)) {
        throw new IllegalArgumentException("accuracy must be in [0, 1], but was: " + accuracy);
      }
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("the swept value must be finite, but was: " + x);
      }
      seed = seed == null ? "" : seed;
    }
  }

  /** @return the distinct values of one field in first-seen order */
  public List<String> distinct(java.util.function.Function<Point, String> field) {
    Set<String> out = new LinkedHashSet<>();
    points.forEach(p -> out.add(field.apply(p)));
    return List.copyOf(out);
  }

  /** @return mean accuracy over seeds by x (ascending) for the points {@code keep} accepts */
  public TreeMap<Double, Double> series(java.util.function.Predicate<Point> keep) {
    Map<Double, double[]> sums = new HashMap<>();
    for (Point p : points) {
      if (keep.test(p)) {
        double[] s = sums.computeIfAbsent(p.x(), x -> new double[2]);
        s[0] += p.accuracy();
        s[1]++;
      }
    }
    TreeMap<Double, Double> out = new TreeMap<>();
    sums.forEach((x, s) -> out.put(x, s[0] / s[1]));
    return out;
  }

  /**
   * @param file the CSV
   * @param parameter the name of the swept column, e.g. "lambda"
   * @return the sweep
   * @throws TableFormatException listing every bad line with file and line
   */
  public static SweepTable read(Path file, String parameter) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new TableFormatException(List.of(file + ": no such file"));
    }
    CsvLines.Records records = CsvLines.read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    List<CsvLines.Line> lines = records.lines();
    List<String> required = List.of("architecture", "method", "metric", parameter.toLowerCase(Locale.ROOT), "accuracy");
    if (lines.isEmpty()) {
      throw new TableFormatException(records.problems().isEmpty()
          ? List.of(file + ": the file is empty; expected a header with " + String.join(", ", required))
          : records.problems());
    }
    CsvLines.Header header = new CsvLines.Header(lines.get(0));
    List<String> missing = header.missing(required);
    if (!missing.isEmpty()) {
      throw new TableFormatException(List.of(file + ":" + header.line().number() + ": header must have the column(s) "
          + String.join(", ", missing) + " (required: " + String.join(", ", required) + "; optional: seed), but was: "
          + header.text()));
    }
    List<String> problems = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    List<List<String>> labels = new ArrayList<>();
    for (CsvLines.Line line : lines.subList(1, lines.size())) {
      List<String> cells = required.stream().map(name -> line.field(header.column(name))).toList();
      try {
        values.add(new double[] {Double.parseDouble(cells.get(3)), Double.parseDouble(cells.get(4))});
        labels.add(List.of(cells.get(0), cells.get(1), cells.get(2), line.field(header.column("seed"))));
      } catch (NumberFormatException e) {
        problems.add(file + ":" + line.number() + ": " + parameter + " and accuracy must be numbers, but were: "
            + cells.get(3) + ", " + cells.get(4));
      }
    }
    problems.addAll(records.problems());
    boolean percent = values.stream().anyMatch(v -> v[1] > 1);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      List<String> l = labels.get(i);
      try {
        points.add(new Point(l.get(0), l.get(1), l.get(2), values.get(i)[0],
            percent ? values.get(i)[1] / 100 : values.get(i)[1], l.get(3)));
      } catch (IllegalArgumentException e) {
        problems.add(file + ": " + String.join(", ", l.subList(0, 3)) + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new TableFormatException(problems);
    }
    return new SweepTable(parameter, points);
  }
}
