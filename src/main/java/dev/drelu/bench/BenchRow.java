package dev.drelu.bench;

import java.util.List;

/**
 * One measure on both sides, one value per run.
 *
 * @param measure e.g. "train steps/s dense"
 * @param higherIsBetter true for rates (steps/s, img/s), false for wall times
 * @param drelu drelu's values
 * @param reference the reference side's values; empty when the row has no Python side
 * @param dreluMegabytes drelu's peak resident memory (MB) after the row
 * @param referenceMegabytes the reference process's peak resident memory (MB), NaN without one
 */
public record BenchRow(String measure, boolean higherIsBetter, List<Double> drelu, List<Double> reference,
    double dreluMegabytes, double referenceMegabytes) {
  public BenchRow {
    drelu = List.copyOf(drelu);
    reference = List.copyOf(reference);
  }

  /** @return drelu / reference of the medians for rates, reference / drelu for times: above 1 = drelu faster */
  public double ratio() {
    if (reference.isEmpty()) {
      return Double.NaN;
    }
    double d = Spread.of(drelu).median();
    double r = Spread.of(reference).median();
    return higherIsBetter ? d / r : r / d;
  }
}
