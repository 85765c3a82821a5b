package dev.drelu.data;

import java.util.Arrays;

/**
 * A labelled image set held in memory: pixels in [0, 1], channel-first (N x C x H x W), one
 * label and one stable example index per image. The index survives splitting and sharding, so
 * per-example results can be joined back to the source.
 *
 * <p>Immutable: the arrays are copied in and never handed out for writing.
 */
public final class ImageDataset {
  private final float[] pixels;
  private final int[] labels;
  private final int[] indices;
  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;

  /**
   * @param pixels N*C*H*W values in [0, 1], image after image, channel-first
   * @param labels N labels in [0, numClasses)
   * @param indices N stable example indices
   * @throws IllegalArgumentException if sizes disagree, a pixel is outside [0, 1] or NaN, or a
   *     label is out of range
   */
  public ImageDataset(
      float[] pixels, int[] labels, int[] indices, int channels, int height, int width, int numClasses) {
    this(pixels, labels, indices, channels, height, width, numClasses, true);
  }

  /**
   * Same checks, but takes the arrays without copying them. For readers in this package that have
   * just filled fresh arrays and drop them: at CIFAR or TinyImageNet size (0.6-5 GB of floats) a
   * defensive copy would double the peak memory for nothing.
   */
  static ImageDataset adopt(
      float[] pixels, int[] labels, int[] indices, int channels, int height, int width, int numClasses) {
    return new ImageDataset(pixels, labels, indices, channels, height, width, numClasses, false);
  }

  private ImageDataset(float[] pixels, int[] labels, int[] indices, int channels, int height, int width,
      int numClasses, boolean copy) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image shape must be positive, but was: " + channels + "x" + height + "x" + width);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, but was: " + numClasses);
    }
    if (labels.length != indices.length) {
      throw new IllegalArgumentException(
          "labels and indices must have the same length, but were: " + labels.length + " and " + indices.length);
    }
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "pixels must hold N*C*H*W = " + expected + " values, but held: " + pixels.length);
    }
    for (int i = 0; i < pixels.length; i++) {
      float v = pixels[i];
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException(
            "pixels must be in [0, 1], but image " + (i / (channels * height * width)) + " has: " + v);
      }
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "labels must be in [0, " + numClasses + "), but image " + i + " has: " + labels[i]);
      }
    }
    this.pixels = copy ? pixels.clone() : pixels;
    this.labels = copy ? labels.clone() : labels;
    this.indices = copy ? indices.clone() : indices;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
  }

  /** @return the number of images */
  public int size() {
    return labels.length;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int numClasses() {
    return numClasses;
  }

  /** @return C*H*W, the number of values per image */
  public int imageSize() {
    return channels * height * width;
  }

  /** @return label of image {@code i} */
  public int label(int i) {
    return labels[i];
  }

  /** @return stable example index of image {@code i} */
  public int index(int i) {
    return indices[i];
  }

  /** Copies image {@code i}'s C*H*W values into {@code dest} at {@code offset}. */
  public void copyImage(int i, float[] dest, int offset) {
    System.arraycopy(pixels, i * imageSize(), dest, offset, imageSize());
  }

  /** @return a copy of all labels */
  public int[] labels() {
    return labels.clone();
  }

  /** @return a copy of all example indices */
  public int[] indices() {
    return indices.clone();
  }

  /** @return a copy of all pixels */
  public float[] pixels() {
    return pixels.clone();
  }

  /** @return the first {@code n} examples (all of them if there are fewer), with their example indices */
  public ImageDataset first(int n) {
    int[] rows = new int[Math.min(n, size())];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    return select(rows);
  }

  /**
   * @param rows positions (not example indices) to keep, in the order wanted
   * @return a new dataset holding those images, with their original example indices
   */
  public ImageDataset select(int[] rows) {
    int n = imageSize();
    float[] p = new float[rows.length * n];
    int[] l = new int[rows.length];
    int[] idx = new int[rows.length];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(pixels, rows[k] * n, p, k * n, n);
      l[k] = labels[rows[k]];
      idx[k] = indices[rows[k]];
    }
    return adopt(p, l, idx, channels, height, width, numClasses);
  }

  /**
   * @param count how many images to keep (0, or at least the size: all of them)
   * @param seed the sampling seed
   * @return a seeded, class-stratified sample in the dataset's order ({@link StratifiedSample}),
   *     never simply the first {@code count}, which in a class-ordered file are a few classes
   */
  public ImageDataset sample(int count, long seed) {
    return select(StratifiedSample.rows(labels, numClasses, count, seed));
  }

  @Override
  public String toString() {
    return "ImageDataset[" + size() + " x " + channels + "x" + height + "x" + width + ", " + numClasses + " classes]";
  }
}
