package dev.drelu.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Ranks within one row of scores. */
public final class Ranks {
  private Ranks() {}

  /**
   * @param scores higher is better
   * @return rank 1 for the highest score; values within {@link AccuracyTable#TIE_TOLERANCE} of
   *     each other share the average of the ranks they span
   */
  public static double[] descending(double[] scores) {
    Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    double[] ranks = new double[scores.length];
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      while (end < order.length && scores[order[start]] - scores[order[end]] <= AccuracyTable.TIE_TOLERANCE) {
        end++;
      }
      double average = (start + 1 + end) / 2.0; // ranks start+1 .. end
      for (int i = start; i < end; i++) {
        ranks[order[i]] = average;
      }
      start = end;
    }
    return ranks;
  }

  /** @return the sizes of the tie groups in one row of ranks (groups of one included) */
  static int[] tieGroupSizes(double[] ranks) {
    double[] sorted = ranks.clone();
    Arrays.sort(sorted);
    int[] sizes = new int[sorted.length];
    int groups = 0;
    int start = 0;
    while (start < sorted.length) {
      int end = start + 1;
      while (end < sorted.length && sorted[end] == sorted[start]) {
        end++;
      }
      sizes[groups++] = end - start;
      start = end;
    }
    return Arrays.copyOf(sizes, groups);
  }

  /** @return the mean rank of each column */
  public static double[] averages(double[][] ranks) {
    int k = ranks[0].length;
    double[] mean = new double[k];
    for (double[] row : ranks) {
      for (int j = 0; j < k; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < k; j++) {
      mean[j] /= ranks.length;
    }
    return mean;
  }
}
