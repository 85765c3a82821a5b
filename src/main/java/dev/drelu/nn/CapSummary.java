package dev.drelu.nn;

import java.io.Serializable;
import java.util.List;

/**
 * The learned caps at a glance: how many, their mean, min and max (raw m, before max(m, 0)), and
 * the fraction that sit at or below zero (units that output nothing).
 */
public record CapSummary(int count, double mean, double min, double max, double fractionNonPositive)
    implements Serializable {

  /** @param layers each D-ReLU layer's caps */
  public static CapSummary of(List<float[]> layers) {
    int n = 0;
    double sum = 0;
    double min = Double.NaN;
    double max = Double.NaN;
    int nonPositive = 0;
    for (float[] caps : layers) {
      for (float c : caps) {
        sum += c;
        min = n == 0 ? c : Math.min(min, c);
        max = n == 0 ? c : Math.max(max, c);
        if (c <= 0) {
          nonPositive++;
        }
        n++;
      }
    }
    return n == 0
        ? new CapSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
        : new CapSummary(n, sum / n, min, max, (double) nonPositive / n);
  }
}
