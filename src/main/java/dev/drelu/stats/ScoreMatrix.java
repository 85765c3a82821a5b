package dev.drelu.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A complete blocks x treatments matrix: rows (blocks) are architecture x metric, columns
 * (treatments) are methods, values are mean accuracies. Higher is better.
 *
 * @param rowLabels one label per row
 * @param methods one name per column
 * @param values {@code values[row][method]}, copied in and out
 */
public record ScoreMatrix(List<String> rowLabels, List<String> methods, double[][] values) implements Serializable {
  /** @throws IllegalArgumentException if the shape does not match the labels or a value is not finite */
  public ScoreMatrix {
    rowLabels = List.copyOf(rowLabels);
    methods = List.copyOf(methods);
    if (values.length != rowLabels.size()) {
      throw new IllegalArgumentException("values must have one row per label (" + rowLabels.size()
          + "), but had: " + values.length);
    }
    double[][] copy = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != methods.size()) {
        throw new IllegalArgumentException("row " + rowLabels.get(i) + " must have one value per method ("
            + methods.size() + "), but had: " + values[i].length);
      }
      for (double v : values[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("row " + rowLabels.get(i) + " must hold finite values, but had: " + v);
        }
      }
      copy[i] = values[i].clone();
    }
    values = copy;
  }

  /** @return a copy of the values */
  @Override
  public double[][] values() {
    return Arrays.stream(values).map(double[]::clone).toArray(double[][]::new);
  }

  /** @return the number of rows (N in the Friedman test) */
  public int rowCount() {
    return values.length;
  }

  /** @return the number of methods (k) */
  public int methodCount() {
    return methods.size();
  }

  /** @return one value */
  public double value(int row, int method) {
    return values[row][method];
  }

  /** @return the values of one method over all rows */
  public double[] column(int method) {
    return Arrays.stream(values).mapToDouble(r -> r[method]).toArray();
  }

  /** @return within-row ranks, rank 1 = highest value, ties averaged ({@link Ranks#descending}) */
  public double[][] ranks() {
    return Arrays.stream(values).map(Ranks::descending).toArray(double[][]::new);
  }
}
