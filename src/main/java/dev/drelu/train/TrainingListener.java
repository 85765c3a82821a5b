package dev.drelu.train;

/** Hears about training as it happens: progress lines and tracking adapt to this. */
public interface TrainingListener {
  /** Called after every step. */
  default void onBatch(int epoch, int batch, int batches) {}

  /** Called after every epoch, once its checkpoint is safely on disk. */
  default void onEpoch(EpochMetrics metrics) {}

  /** Called once when training resumes from a checkpoint instead of starting fresh. */
  default void onResume(int completedEpochs) {}

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};
}
