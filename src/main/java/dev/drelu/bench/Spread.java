package dev.drelu.bench;

import java.util.List;

/** Min, median and max of a few repeated measurements (the median damps a loaded machine's noise). */
public record Spread(double min, double median, double max) {
  /**
   * @param values one value per run, at least one
   * @throws IllegalArgumentException if there is none
   */
  public static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a spread needs at least one measurement");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Spread(v[0], median, v[n - 1]);
  }
}
