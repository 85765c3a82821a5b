package dev.drelu.data;

import dev.drelu.core.Shuffle;
import dev.drelu.core.Checks;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded random splits of positions 0..n-1 into two disjoint parts (e.g. train / validation).
 *
 * <p>The shuffle is {@link Random} (whose algorithm the Java specification fixes) driving a
 * Fisher–Yates shuffle written out here, not {@code Collections.shuffle}, so a seed gives the same
 * split on every JVM, platform and Java version.
 */
public final class Splits {
  private Splits() {}

  /**
   * Two disjoint, sorted sets of positions that together cover 0..n-1.
   *
   * @param first positions of the first part, ascending
   * @param second positions of the second part, ascending
   */
  public record Split(int[] first, int[] second) {
    /**
     * Copies the arrays so the split cannot be changed from outside.
     *
     * @param first positions of the first part
     * @param second positions of the second part
     */
    public Split {
      first = first.clone();
      second = second.clone();
    }

    /** @return a copy of the first part's positions */
    @Override
    public int[] first() {
      return first.clone();
    }

    /** @return a copy of the second part's positions */
    @Override
    public int[] second() {
      return second.clone();
    }

    // Records compare arrays by reference; a split is a value, so compare contents.
    @Override
    public boolean equals(Object o) {
      return o instanceof Split s && Arrays.equals(first, s.first) && Arrays.equals(second, s.second);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(first) + Arrays.hashCode(second);
    }

    @Override
    public String toString() {
      return "Split[first=" + first.length + " positions, second=" + second.length + " positions]";
    }
  }

  /**
   * Shuffles 0..n-1 with {@code new Random(seed)} (Fisher–Yates: for i = n-1 down to 1, swap i with
   * {@code nextInt(i + 1)}), then gives the last {@code Math.round(n * secondFraction)} shuffled
   * positions to {@code second} and the rest to {@code first}; each part is sorted ascending.
   *
   * @param n number of positions, at least 1
   * @param secondFraction share of positions for the second part, in [0, 1]
   * @param seed shuffle seed
   * @return the split
   * @throws IllegalArgumentException if {@code n < 1} or {@code secondFraction} is outside [0, 1]
   */
  public static Split split(int n, double secondFraction, long seed) {
    Checks.atLeast("n", n, 1);
    Checks.inRange("secondFraction", secondFraction, 0.0, 1.0);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Shuffle.inPlace(order, new Random(seed));
    int secondSize = (int) Math.round(n * secondFraction);
    int[] first = Arrays.copyOfRange(order, 0, n - secondSize);
    int[] second = Arrays.copyOfRange(order, n - secondSize, n);
    Arrays.sort(first);
    Arrays.sort(second);
    return new Split(first, second);
  }
}
