package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.data.ImageDataset;

/** Turns rows of an {@link ImageDataset} into tensors on a manager's device. */
public final class Batches {
  private Batches() {}

  /**
   * @param rows dataset positions; the batch holds rows[from, to)
   * @return (to - from) x C x H x W images
   */
  public static NDArray images(NDManager manager, ImageDataset data, int[] rows, int from, int to) {
    int size = data.imageSize();
    float[] buffer = new float[(to - from) * size];
    for (int k = from; k < to; k++) {
      data.copyImage(rows[k], buffer, (k - from) * size);
    }
    return manager.create(buffer, new Shape(to - from, data.channels(), data.height(), data.width()));
  }

  /** @return the labels of rows[from, to) as an int64 vector */
  public static NDArray labels(NDManager manager, ImageDataset data, int[] rows, int from, int to) {
    long[] labels = new long[to - from];
    for (int k = from; k < to; k++) {
      labels[k - from] = data.label(rows[k]);
    }
    return manager.create(labels);
  }

  /** @return 0, 1, ..., n-1 */
  public static int[] allRows(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }
}
