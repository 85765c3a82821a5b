package dev.drelu.data;

/**
 * The parts a dataset is split into, in memory. The prepare stage writes them into its artifact
 * (the pipeline's {@code PreparedData}); readers of the artifact get them back one split at a time.
 *
 * @param train the real training images (its size is also the epoch size of a {@link GeneratedMix})
 * @param validation held out from the training pool; drives the schedule
 * @param test the source's test set (or a held-out share, for sources without one)
 * @param generated generated training images to mix in every epoch, or null when the dataset has none
 */
public record DatasetSplits(ImageDataset train, ImageDataset validation, ImageDataset test, ImageDataset generated) {
  /** Real data only. */
  public DatasetSplits(ImageDataset train, ImageDataset validation, ImageDataset test) {
    this(train, validation, test, null);
  }
}
