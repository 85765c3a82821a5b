package dev.drelu.data;

import dev.drelu.core.Shuffle;
import java.util.Random;

/**
 * Mixes real and generated training images afresh every epoch, as Wang et al. 2023 ("Better
 * diffusion models further improve adversarial training", ICML) do: each epoch holds exactly
 * {@code round(realRatio * n)} real images drawn without replacement and {@code n - that} generated
 * images, where {@code n} is the real training set's size, so an epoch stays as long as training on
 * real data alone. Generated images are drawn without replacement when the generated set is large
 * enough, else with replacement. The mix is shuffled.
 *
 * <p>The draw depends only on (seed, epoch), so a resumed training run sees the same epochs again.
 *
 * <p>Example indices: real images keep theirs; generated image {@code g} (its position in the
 * generated set) gets {@code GENERATED_INDEX_OFFSET + g}. Real indices must be below the offset,
 * which every supported dataset is by far (the largest, TinyImageNet, has 100,000 images).
 */
public final class GeneratedMix {
  /**
   * Added to a generated image's position to form its example index: 2^30, far above any real
   * index, and leaving room for 2^30 - 1 generated images within an int.
   */
  public static final int GENERATED_INDEX_OFFSET = 1 << 30;

  private final ImageDataset real;
  private final ImageDataset generated;
  private final double realRatio;
  private final long seed;
  private final int realCount;

  /**
   * One epoch's training set and what it is made of.
   *
   * @param epoch the epoch it was drawn for
   * @param data the shuffled mix, {@code realCount + generatedCount} images
   * @param realCount how many images came from the real set (counted in {@code data})
   * @param generatedCount how many came from the generated set
   * @param withReplacement whether generated images were drawn with replacement (the generated
   *     set is smaller than the generated share of an epoch)
   */
  public record Epoch(int epoch, ImageDataset data, int realCount, int generatedCount, boolean withReplacement) {
    /** @return the realised share of real images in this epoch, for logging */
    public double drawnRatio() {
      return (double) realCount / (realCount + generatedCount);
    }
  }

  /**
   * @param real the real training set (its size is the epoch size)
   * @param generated the generated set; same image shape and class count as {@code real}
   * @param realRatio share of real images per epoch, in (0, 1]
   * @param seed seeds every epoch's draw together with the epoch number
   * @throws IllegalArgumentException if the ratio is outside (0, 1], the shapes or class counts
   *     differ, a real example index is not below {@link #GENERATED_INDEX_OFFSET}, the generated
   *     set is too large for the index space, or it is empty while generated images are needed
   */
  public GeneratedMix(ImageDataset real, ImageDataset generated, double realRatio, long seed) {
    if (!(realRatio > 0 && realRatio <= 1)) {
      throw new IllegalArgumentException("real-ratio must be in (0, 1], but was: " + realRatio);
    }
    if (real.channels() != generated.channels() || real.height() != generated.height()
        || real.width() != generated.width()) {
      throw new IllegalArgumentException("generated images must have the real images' shape "
          + shape(real) + ", but had: " + shape(generated));
    }
    if (real.numClasses() != generated.numClasses()) {
      throw new IllegalArgumentException("generated set must have the real set's " + real.numClasses()
          + " classes, but had: " + generated.numClasses());
    }
    if (real.size() < 1) {
      throw new IllegalArgumentException("real training set must hold at least 1 image, but held: 0");
    }
    for (int i = 0; i < real.size(); i++) {
      if (real.index(i) < 0 || real.index(i) >= GENERATED_INDEX_OFFSET) {
        throw new IllegalArgumentException("real example indices must be in [0, " + GENERATED_INDEX_OFFSET
            + ") so generated ones cannot collide, but image " + i + " has: " + real.index(i));
      }
    }
    if (generated.size() > Integer.MAX_VALUE - GENERATED_INDEX_OFFSET) {
      throw new IllegalArgumentException("generated set must hold at most "
          + (Integer.MAX_VALUE - GENERATED_INDEX_OFFSET) + " images, but held: " + generated.size());
    }
    this.real = real;
    this.generated = generated;
    this.realRatio = realRatio;
    this.seed = seed;
    this.realCount = (int) Math.round(realRatio * real.size());
    if (realCount < real.size() && generated.size() == 0) {
      throw new IllegalArgumentException("generated set must hold at least 1 image for real-ratio "
          + realRatio + ", but held: 0");
    }
  }

  /** @return images per epoch: the real training set's size */
  public int epochSize() {
    return real.size();
  }

  /** @return the requested share of real images */
  public double realRatio() {
    return realRatio;
  }

  /** @return real images per epoch, {@code round(realRatio * epochSize())} */
  public int realPerEpoch() {
    return realCount;
  }

  /**
   * Draws the training set of one epoch.
   *
   * @param epoch the epoch number (the trainer's 1-based numbering works; any int is accepted)
   * @return the shuffled mix and its make-up; the same for the same (seed, epoch)
   */
  public Epoch epoch(int epoch) {
    Random random = new Random(mix(seed, epoch));
    int n = real.size();
    int genCount = n - realCount;
    boolean withReplacement = genCount > generated.size();
    int[] realRows = sampleWithoutReplacement(n, realCount, random);
    int[] genRows = withReplacement
        ? sampleWithReplacement(generated.size(), genCount, random)
        : sampleWithoutReplacement(generated.size(), genCount, random);
    // positions >= n in this order stand for generated rows, so one shuffle mixes both sources
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Shuffle.inPlace(order, random);
    int imageSize = real.imageSize();
    float[] pixels = new float[n * imageSize];
    int[] labels = new int[n];
    int[] indices = new int[n];
    int realSeen = 0;
    for (int k = 0; k < n; k++) {
      int slot = order[k];
      if (slot < realCount) {
        int row = realRows[slot];
        real.copyImage(row, pixels, k * imageSize);
        labels[k] = real.label(row);
        indices[k] = real.index(row);
        realSeen++;
      } else {
        int row = genRows[slot - realCount];
        generated.copyImage(row, pixels, k * imageSize);
        labels[k] = generated.label(row);
        indices[k] = GENERATED_INDEX_OFFSET + row;
      }
    }
    ImageDataset data = ImageDataset.adopt(pixels, labels, indices, real.channels(), real.height(), real.width(),
        real.numClasses());
    return new Epoch(epoch, data, realSeen, n - realSeen, withReplacement);
  }

  /** @return whether an example index of a mixed epoch denotes a generated image */
  public static boolean isGenerated(int exampleIndex) {
    return exampleIndex >= GENERATED_INDEX_OFFSET;
  }

  /** k distinct positions out of 0..n-1: the first k steps of a Fisher–Yates shuffle. */
  private static int[] sampleWithoutReplacement(int n, int k, Random random) {
    int[] pool = new int[n];
    for (int i = 0; i < n; i++) {
      pool[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    return java.util.Arrays.copyOf(pool, k);
  }

  private static int[] sampleWithReplacement(int n, int k, Random random) {
    int[] rows = new int[k];
    for (int i = 0; i < k; i++) {
      rows[i] = random.nextInt(n);
    }
    return rows;
  }

  /**
   * One 64-bit seed from (seed, epoch) via the SplitMix64 finaliser: {@link Random} seeds that
   * differ in a few low bits start with correlated outputs, so neighbouring epochs are spread apart.
   */
  static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String shape(ImageDataset d) {
    return d.channels() + "x" + d.height() + "x" + d.width();
  }
}
