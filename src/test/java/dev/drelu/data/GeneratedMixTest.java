package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks the per-epoch mix: its size and make-up, that every image is the source image its index
 * names, determinism, freshness per epoch, and that the sampling is uniform and well shuffled.
 */
class GeneratedMixTest {
  private static final int REAL = 200;
  private static final int REAL_INDEX_BASE = 5000; // real example indices are not positions

  /**
   * 1x2x2 images: pixel 0 marks the source (0 real, 1 generated), pixels 1-3 encode the position so
   * every image is distinct. Real image i has index REAL_INDEX_BASE + 3i and label i % 4.
   */
  static ImageDataset dataset(int n, boolean generated, int numClasses) {
    float[] pixels = new float[n * 4];
    int[] labels = new int[n];
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      pixels[4 * i] = generated ? 1f : 0f;
      pixels[4 * i + 1] = (i % 256) / 255f;
      pixels[4 * i + 2] = (i / 256) / 255f;
      pixels[4 * i + 3] = 0.5f;
      labels[i] = (generated ? i + 1 : i) % numClasses;
      indices[i] = generated ? i : REAL_INDEX_BASE + 3 * i;
    }
    return new ImageDataset(pixels, labels, indices, 1, 2, 2, numClasses);
  }

  static ImageDataset real() {
    return dataset(REAL, false, 4);
  }

  static ImageDataset generated(int n) {
    return dataset(n, true, 4);
  }

  private static float[] image(ImageDataset d, int i) {
    float[] img = new float[d.imageSize()];
    d.copyImage(i, img, 0);
    return img;
  }

  @Test
  void epochHasTheRealSizeAndExactlyRoundRatioTimesNRealImages() {
    GeneratedMix mix = new GeneratedMix(real(), generated(1000), 0.3, 11);
    assertEquals(REAL, mix.epochSize());
    assertEquals(60, mix.realPerEpoch());
    GeneratedMix.Epoch e = mix.epoch(1);
    assertEquals(1, e.epoch());
    assertEquals(REAL, e.data().size());
    assertEquals(60, e.realCount());
    assertEquals(140, e.generatedCount());
    assertEquals(0.3, e.drawnRatio(), 0.0);
    assertFalse(e.withReplacement());
    // counted from the data itself, not from the plan
    long real = Arrays.stream(e.data().indices()).filter(i -> !GeneratedMix.isGenerated(i)).count();
    assertEquals(60, real);
  }

  @Test
  void drawnRatioIsWithinHalfAnImageOfTheTarget() {
    // round(ratio * n) real images: the drawn ratio can miss the target by at most 0.5 / n
    for (int n : new int[] {1, 7, 201, 333}) {
      for (double ratio : new double[] {0.2, 0.3, 0.77, 1.0}) {
        GeneratedMix mix = new GeneratedMix(dataset(n, false, 4), generated(50), ratio, 3);
        GeneratedMix.Epoch e = mix.epoch(2);
        assertEquals(n, e.data().size());
        assertEquals(ratio, e.drawnRatio(), 0.5 / n + 1e-12, "n=" + n + " ratio=" + ratio);
      }
    }
  }

  @Test
  void everyImageIsTheSourceImageItsIndexNames() {
    ImageDataset real = real();
    ImageDataset gen = generated(1000);
    Map<Integer, Integer> realRow = new HashMap<>();
    for (int i = 0; i < real.size(); i++) {
      realRow.put(real.index(i), i);
    }
    GeneratedMix.Epoch e = new GeneratedMix(real, gen, 0.3, 5).epoch(4);
    ImageDataset d = e.data();
    for (int k = 0; k < d.size(); k++) {
      int index = d.index(k);
      if (GeneratedMix.isGenerated(index)) {
        int row = index - GeneratedMix.GENERATED_INDEX_OFFSET;
        assertArrayEquals(image(gen, row), image(d, k), "image " + k);
        assertEquals(gen.label(row), d.label(k));
        assertEquals(1f, image(d, k)[0]);
      } else {
        Integer row = realRow.get(index);
        assertTrue(row != null, "index " + index + " is a real example index");
        assertArrayEquals(image(real, row), image(d, k), "image " + k);
        assertEquals(real.label(row), d.label(k));
        assertEquals(0f, image(d, k)[0]);
      }
    }
  }

  @Test
  void withoutReplacementWhenEnoughGeneratedImagesElseWith() {
    GeneratedMix.Epoch e = new GeneratedMix(real(), generated(140), 0.3, 5).epoch(1);
    assertFalse(e.withReplacement());
    Set<Integer> seen = new HashSet<>();
    for (int i : e.data().indices()) {
      assertTrue(seen.add(i), "index " + i + " drawn twice");
    }
    GeneratedMix.Epoch small = new GeneratedMix(real(), generated(20), 0.3, 5).epoch(1);
    assertTrue(small.withReplacement());
    assertEquals(140, small.generatedCount());
    long distinctReal = Arrays.stream(small.data().indices()).filter(i -> !GeneratedMix.isGenerated(i))
        .distinct().count();
    assertEquals(60, distinctReal, "real images are never repeated");
    long distinctGen = Arrays.stream(small.data().indices()).filter(GeneratedMix::isGenerated).distinct().count();
    assertTrue(distinctGen <= 20);
  }

  @Test
  void sameSeedAndEpochGiveTheSameMixAndOthersDiffer() {
    GeneratedMix a = new GeneratedMix(real(), generated(1000), 0.3, 42);
    GeneratedMix b = new GeneratedMix(real(), generated(1000), 0.3, 42);
    ImageDataset a3 = a.epoch(3).data();
    ImageDataset b3 = b.epoch(3).data();
    assertArrayEquals(a3.indices(), b3.indices());
    assertArrayEquals(a3.labels(), b3.labels());
    assertArrayEquals(a3.pixels(), b3.pixels());
    // drawing other epochs in between changes nothing: each epoch depends on (seed, epoch) only
    a.epoch(1);
    a.epoch(7);
    assertArrayEquals(a3.indices(), a.epoch(3).data().indices());

    int[] e4 = a.epoch(4).data().indices();
    assertFalse(Arrays.equals(a3.indices(), e4), "a different epoch gives a different mix");
    Set<Integer> real3 = realIndices(a3.indices());
    Set<Integer> real4 = realIndices(e4);
    assertNotEquals(real3, real4, "a different epoch draws different real images");
    int[] otherSeed = new GeneratedMix(real(), generated(1000), 0.3, 43).epoch(3).data().indices();
    assertFalse(Arrays.equals(a3.indices(), otherSeed));
  }

  private static Set<Integer> realIndices(int[] indices) {
    Set<Integer> s = new HashSet<>();
    for (int i : indices) {
      if (!GeneratedMix.isGenerated(i)) {
        s.add(i);
      }
    }
    return s;
  }

  /**
   * Over E = 400 epochs each real image is drawn Binomial(400, 0.3) times (mean 120, sd 9.2) and
   * each of 1000 generated images Binomial(400, 0.14) times (mean 56, sd 6.9). The test bounds every
   * count within 5 sd (a false alarm somewhere among the 1200 counts has probability about 1e-3 for
   * a fair sampler, and the seed is fixed); a sampler that favours early rows fails by far.
   */
  @Test
  void everyImageIsDrawnAsOftenAsUniformSamplingPredicts() {
    int epochs = 400;
    GeneratedMix mix = new GeneratedMix(real(), generated(1000), 0.3, 7);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int e = 1; e <= epochs; e++) {
      for (int i : mix.epoch(e).data().indices()) {
        counts.merge(i, 1, Integer::sum);
      }
    }
    double pReal = 60.0 / REAL;
    double pGen = 140.0 / 1000;
    double sdReal = Math.sqrt(epochs * pReal * (1 - pReal));
    double sdGen = Math.sqrt(epochs * pGen * (1 - pGen));
    for (int i = 0; i < REAL; i++) {
      int c = counts.getOrDefault(REAL_INDEX_BASE + 3 * i, 0);
      assertEquals(epochs * pReal, c, 5 * sdReal, "real image " + i);
    }
    for (int g = 0; g < 1000; g++) {
      int c = counts.getOrDefault(GeneratedMix.GENERATED_INDEX_OFFSET + g, 0);
      assertEquals(epochs * pGen, c, 5 * sdGen, "generated image " + g);
    }
  }

  /**
   * The trainer cuts an epoch into consecutive batches, so the mix must be shuffled: the real share
   * of a batch of 32 out of 200 (60 real) is hypergeometric, mean 0.3, sd sqrt(0.3*0.7/32 * 168/199)
   * = 0.0744. Over 50 epochs x 6 full batches the mean share must be within 4 standard errors (4 *
   * 0.0744 / sqrt(300) = 0.017) of 0.3, and the spread within [0.7, 1.3] x 0.0744 (unshuffled, real
   * images first, the shares would be 0 or 1 with a spread of about 0.46).
   */
  @Test
  void batchesHoldTheRealRatioWithinSamplingError() {
    GeneratedMix mix = new GeneratedMix(real(), generated(1000), 0.3, 9);
    int batch = 32;
    double sum = 0;
    double sumSq = 0;
    int batches = 0;
    for (int e = 1; e <= 50; e++) {
      int[] idx = mix.epoch(e).data().indices();
      for (int start = 0; start + batch <= idx.length; start += batch) {
        int real = 0;
        for (int k = start; k < start + batch; k++) {
          real += GeneratedMix.isGenerated(idx[k]) ? 0 : 1;
        }
        double share = (double) real / batch;
        sum += share;
        sumSq += share * share;
        batches++;
      }
    }
    double mean = sum / batches;
    double sd = Math.sqrt(sumSq / batches - mean * mean);
    double expectedSd = Math.sqrt(0.3 * 0.7 / batch * (REAL - batch) / (REAL - 1.0));
    assertEquals(300, batches);
    assertEquals(0.3, mean, 4 * expectedSd / Math.sqrt(batches));
    assertEquals(expectedSd, sd, 0.3 * expectedSd);
  }

  @Test
  void ratioOneIsRealDataOnlyInFreshOrder() {
    GeneratedMix mix = new GeneratedMix(real(), generated(0), 1.0, 1);
    GeneratedMix.Epoch e = mix.epoch(1);
    assertEquals(REAL, e.realCount());
    assertEquals(1.0, e.drawnRatio());
    int[] sorted = e.data().indices();
    Arrays.sort(sorted);
    assertArrayEquals(real().indices(), sorted);
  }

  @Test
  void generatedIndicesNeverCollideWithRealOnes() {
    GeneratedMix.Epoch e = new GeneratedMix(real(), generated(1000), 0.3, 2).epoch(1);
    for (int i : e.data().indices()) {
      boolean gen = GeneratedMix.isGenerated(i);
      assertTrue(gen ? i >= GeneratedMix.GENERATED_INDEX_OFFSET : i < REAL_INDEX_BASE + 3 * REAL);
    }
  }

  @Test
  void badArgumentsAreRejectedWithWhatWasExpected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GeneratedMix(real(), generated(10), 0.0, 1));
    assertEquals("real-ratio must be in (0, 1], but was: 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GeneratedMix(real(), generated(10), 1.5, 1));
    assertTrue(e.getMessage().startsWith("real-ratio must be in (0, 1]"), e.getMessage());

    ImageDataset rgb = new ImageDataset(new float[12], new int[1], new int[1], 3, 2, 2, 4);
    e = assertThrows(IllegalArgumentException.class, () -> new GeneratedMix(real(), rgb, 0.3, 1));
    assertTrue(e.getMessage().contains("shape 1x2x2, but had: 3x2x2"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new GeneratedMix(real(), dataset(5, true, 10), 0.3, 1));
    assertTrue(e.getMessage().contains("4 classes, but had: 10"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new GeneratedMix(real(), generated(0), 0.3, 1));
    assertTrue(e.getMessage().contains("at least 1 image"), e.getMessage());

    ImageDataset bigIndex = new ImageDataset(new float[4], new int[1],
        new int[] {GeneratedMix.GENERATED_INDEX_OFFSET}, 1, 2, 2, 4);
    e = assertThrows(IllegalArgumentException.class, () -> new GeneratedMix(bigIndex, generated(5), 0.3, 1));
    assertTrue(e.getMessage().contains("real example indices must be in [0, 1073741824)"), e.getMessage());
  }
}
