package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void partsAreDisjointSortedAndCoverAllPositions() {
    Splits.Split s = Splits.split(1000, 0.2, 42);
    assertEquals(800, s.first().length);
    assertEquals(200, s.second().length);
    boolean[] seen = new boolean[1000];
    for (int[] part : new int[][] {s.first(), s.second()}) {
      for (int k = 0; k < part.length; k++) {
        assertTrue(!seen[part[k]], "position " + part[k] + " appears twice");
        seen[part[k]] = true;
        if (k > 0) {
          assertTrue(part[k - 1] < part[k], "not ascending at " + k);
        }
      }
    }
    assertTrue(IntStream.range(0, 1000).allMatch(i -> seen[i]));
  }

  @Test
  void sizeIsRoundedFraction() {
    assertEquals(3, Splits.split(10, 0.25, 1).second().length); // 2.5 rounds half up
    assertEquals(0, Splits.split(10, 0.0, 1).second().length);
    assertEquals(10, Splits.split(10, 1.0, 1).second().length);
    assertEquals(1, Splits.split(1, 0.5, 1).second().length);
  }

  @Test
  void sameSeedSameSplitDifferentSeedDifferentSplit() {
    assertEquals(Splits.split(500, 0.1, 7), Splits.split(500, 0.1, 7));
    assertNotEquals(Splits.split(500, 0.1, 7), Splits.split(500, 0.1, 8));
  }

  @Test
  void shuffleIsThePublishedFisherYates() {
    // Written out independently of Splits: the algorithm is part of the contract, since splits
    // must be reproducible from the seed alone.
    java.util.Random r = new java.util.Random(3);
    int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
    for (int i = 7; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] tail = java.util.Arrays.copyOfRange(order, 5, 8);
    java.util.Arrays.sort(tail);
    assertArrayEquals(tail, Splits.split(8, 3.0 / 8, 3).second());
  }

  @Test
  void splitCannotBeChangedFromOutside() {
    Splits.Split s = Splits.split(10, 0.5, 1);
    int before = s.first()[0];
    s.first()[0] = -1;
    assertEquals(before, s.first()[0]);
  }

  @Test
  void argumentsAreValidated() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Splits.split(0, 0.5, 1));
    assertEquals("n must be at least 1, but was: 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Splits.split(10, 1.5, 1));
    assertEquals("secondFraction must be in [0.0, 1.0], but was: 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Splits.split(10, Double.NaN, 1));
    assertTrue(e.getMessage().startsWith("secondFraction"), e.getMessage());
  }
}
