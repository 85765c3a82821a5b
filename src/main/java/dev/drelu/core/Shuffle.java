package dev.drelu.core;

import java.util.Random;

/**
 * The one shuffle drelu uses for splits, samples, epochs and generated-data mixes.
 *
 * <p>Fisher–Yates written out (for i = n-1 down to 1, swap i with {@code random.nextInt(i + 1)})
 * and driven by {@link Random}, whose algorithm the Java specification fixes, rather than
 * {@code Collections.shuffle}, whose use of the stream is not promised: a seed gives the same
 * order on every JVM, platform and Java version, which every cache key relies on.
 */
public final class Shuffle {
  private Shuffle() {}

  /** Shuffles {@code a} in place. */
  public static void inPlace(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
