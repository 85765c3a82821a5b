package dev.drelu.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accuracies in long form: one row per (architecture, method, metric, seed). This is what the
 * statistics, tables and report consume, whether it comes from a pipeline or from
 * {@link AccuracyCsv}. Rows of the statistics are architecture x metric, columns are methods
 * (METHOD.md section 9); seeds are averaged first.
 *
 * <p>Orders are kept as first seen (architectures, methods, metrics), so tables follow the input.
 *
 * @param rows the measurements; every (architecture, metric) that appears must have every method
 */
public record AccuracyTable(List<Row> rows) implements Serializable {
  /** Two means closer than this are a tie: the same counts averaged in another order differ by an ulp. */
  public static final double TIE_TOLERANCE = 1e-9;

  /**
   * One measurement.
   *
   * @param architecture the network, e.g. {@code dense}
   * @param method the training method compared, e.g. {@code drelu}
   * @param metric clean or an attack name, e.g. {@code pgd}
   * @param accuracy a fraction in [0, 1]
   * @param seed the training seed label, or "" when the source has none
   */
  public record Row(String architecture, String method, String metric, double accuracy, String seed)
      implements Serializable {
    public Row {
      for (var field : List.of(List.of("architecture", String.valueOf(architecture)),
          List.of("method", String.valueOf(method)), List.of("metric", String.valueOf(metric)))) {
        if (field.get(1).isBlank() || field.get(1).equals("null")) {
          throw new IllegalArgumentException(field.get(0) + " must not be empty, but was: " + field.get(1));
        }
      }
      if (!(accuracy >= 0 && accuracy <= 1)) {
        throw new IllegalArgumentException("accuracy must be in [0, 1], but was: " + accuracy);
      }
      seed = seed == null ? "" : seed;
    }

    /** @return this row without its seed, for one cell of the mean table */
    Cell cell() {
      return new Cell(architecture, method, metric);
    }
  }

  /** One cell of the table: the seeds of a configuration are averaged into it. */
  public record Cell(String architecture, String method, String metric) implements Serializable {}

  /**
   * @throws IllegalArgumentException listing every duplicate row and every (architecture, metric)
   *     row that lacks a method, or if there are no rows
   */
  public AccuracyTable {
    rows = List.copyOf(rows);
    List<String> problems = problems(rows);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the accuracy table has " + problems.size() + " problem(s): "
          + String.join("; ", problems));
    }
  }

  /** @return what is wrong with these rows as a table (empty if nothing) */
  static List<String> problems(List<Row> rows) {
    List<String> problems = new ArrayList<>();
    if (rows.isEmpty()) {
      problems.add("no rows");
      return problems;
    }
    Set<List<String>> seen = new HashSet<>();
    for (Row r : rows) {
      if (!seen.add(List.of(r.architecture(), r.method(), r.metric(), r.seed()))) {
        problems.add("duplicate row " + describe(r));
      }
    }
    Set<String> methods = new LinkedHashSet<>();
    Map<List<String>, Set<String>> methodsByRow = new LinkedHashMap<>();
    for (Row r : rows) {
      methods.add(r.method());
      methodsByRow.computeIfAbsent(List.of(r.architecture(), r.metric()), x -> new LinkedHashSet<>()).add(r.method());
    }
    methodsByRow.forEach((key, present) -> {
      if (!present.containsAll(methods)) {
        Set<String> missing = new LinkedHashSet<>(methods);
        missing.removeAll(present);
        problems.add("architecture " + key.get(0) + ", metric " + key.get(1) + " has no value for method(s) "
            + String.join(", ", missing));
      }
    });
    return problems;
  }

  static String describe(Row r) {
    return "(architecture " + r.architecture() + ", method " + r.method() + ", metric " + r.metric()
        + (r.seed().isEmpty() ? "" : ", seed " + r.seed()) + ")";
  }

  /** @return architectures in first-seen order */
  public List<String> architectures() {
    return distinct(Row::architecture);
  }

  /** @return methods in first-seen order */
  public List<String> methods() {
    return distinct(Row::method);
  }

  /** @return metrics in first-seen order (clean first when the source lists it first) */
  public List<String> metrics() {
    return distinct(Row::metric);
  }

  /** @return the metrics present for one architecture, in first-seen order */
  public List<String> metrics(String architecture) {
    List<String> out = new ArrayList<>();
    for (String m : metrics()) {
      if (rows.stream().anyMatch(r -> r.architecture().equals(architecture) && r.metric().equals(m))) {
        out.add(m);
      }
    }
    return out;
  }

  /** @return the mean and standard deviation over seeds of every cell */
  public Map<Cell, SeedStats> cells() {
    Map<Cell, List<Double>> values = new LinkedHashMap<>();
    for (Row r : rows) {
      values.computeIfAbsent(r.cell(), c -> new ArrayList<>()).add(r.accuracy());
    }
    Map<Cell, SeedStats> out = new LinkedHashMap<>();
    values.forEach((c, v) -> out.put(c, SeedStats.of(v)));
    return out;
  }

  /**
   * @return the matrix the tests run on: one row per (architecture, metric) present, labelled
   *     "architecture / metric", one column per method, each value the mean over seeds
   */
  public ScoreMatrix meanMatrix() {
    Map<Cell, SeedStats> cells = cells();
    List<String> methods = methods();
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (String a : architectures()) {
      for (String m : metrics(a)) {
        double[] row = new double[methods.size()];
        for (int j = 0; j < row.length; j++) {
          row[j] = cells.get(new Cell(a, methods.get(j), m)).mean();
        }
        labels.add(a + " / " + m);
        values.add(row);
      }
    }
    return new ScoreMatrix(labels, methods, values.toArray(new double[0][]));
  }

  private List<String> distinct(java.util.function.Function<Row, String> field) {
    Set<String> out = new LinkedHashSet<>();
    rows.forEach(r -> out.add(field.apply(r)));
    return List.copyOf(out);
  }

  /**
   * Mean and sample standard deviation over seeds.
   *
   * @param n number of seeds
   * @param std sample standard deviation (n - 1 in the denominator); 0 for one seed
   */
  public record SeedStats(int n, double mean, double std) implements Serializable {
    static SeedStats of(List<Double> values) {
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      return new SeedStats(values.size(), mean, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0.0);
    }
  }
}
