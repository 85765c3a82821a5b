package dev.drelu.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Nemenyi's post-hoc test after Friedman (Demšar 2006): two methods differ when their average
 * ranks differ by more than the critical difference {@code CD = q_alpha sqrt(k(k+1) / (6N))},
 * with {@code q_alpha} the upper-alpha quantile of the studentized range for k groups and
 * infinite df, divided by sqrt(2). Computed for any k and alpha, not looked up in a table.
 *
 * @param alpha the level
 * @param qAlpha the studentized range quantile / sqrt(2) (1.960 for k = 2, alpha = 0.05)
 * @param criticalDifference CD in average-rank units
 * @param methods method names in column order
 * @param averageRanks mean rank per method (rank 1 = best)
 * @param pairs every pair of methods, each once, in column order
 * @param cliques maximal groups of methods (sorted best first) whose ranks lie within CD of
 *     each other, so no pair inside is shown to differ; groups of one are left out
 */
public record Nemenyi(double alpha, double qAlpha, double criticalDifference, List<String> methods,
    List<Double> averageRanks, List<Pair> pairs, List<List<String>> cliques) implements Serializable {
  public Nemenyi {
    methods = List.copyOf(methods);
    averageRanks = List.copyOf(averageRanks);
    pairs = List.copyOf(pairs);
    cliques = cliques.stream().map(List::copyOf).toList();
  }

  /**
   * Two methods compared.
   *
   * @param rankDifference |R_a - R_b|
   * @param differ whether it exceeds CD
   */
  public record Pair(String a, String b, double rankDifference, boolean differ) implements Serializable {}

  /** @return the pairs that differ significantly */
  public List<Pair> differingPairs() {
    return pairs.stream().filter(Pair::differ).toList();
  }

  /**
   * @param friedman the Friedman test whose average ranks are compared
   * @param alpha level in (0, 1)
   * @return the test
   * @throws IllegalArgumentException if alpha is not in (0, 1)
   */
  public static Nemenyi of(Friedman friedman, double alpha) {
    Statistics.checkAlpha("alpha", alpha);
    int k = friedman.methods().size();
    int n = friedman.rows();
    double q = StudentizedRange.quantile(1 - alpha, k, Double.POSITIVE_INFINITY) / Math.sqrt(2);
    double cd = q * Math.sqrt(k * (k + 1.0) / (6.0 * n));
    List<Double> r = friedman.averageRanks();
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        double d = Math.abs(r.get(i) - r.get(j));
        pairs.add(new Pair(friedman.methods().get(i), friedman.methods().get(j), d, d > cd));
      }
    }
    return new Nemenyi(alpha, q, cd, friedman.methods(), r, pairs, cliques(friedman.methods(), r, cd));
  }

  /** Maximal runs of rank-sorted methods spanning at most CD; a run inside another is dropped. */
  static List<List<String>> cliques(List<String> methods, List<Double> ranks, double cd) {
    List<Integer> order = IntStream.range(0, methods.size()).boxed()
        .sorted(Comparator.comparingDouble(ranks::get)).toList();
    List<List<String>> out = new ArrayList<>();
    int lastEnd = -1;
    for (int start = 0; start < order.size(); start++) {
      int end = start;
      while (end + 1 < order.size() && ranks.get(order.get(end + 1)) - ranks.get(order.get(start)) <= cd) {
        end++;
      }
      if (end > start && end > lastEnd) {
        out.add(order.subList(start, end + 1).stream().map(methods::get).toList());
        lastEnd = end;
      }
    }
    return out;
  }
}
