package dev.drelu.train;

import java.io.Serializable;
import java.util.List;

/**
 * How training ended.
 *
 * @param history one entry per epoch run (also those before a resume)
 * @param bestEpoch the epoch whose weights the model now holds
 * @param stoppedEarly early stopping fired before maxEpochs
 * @param resumedFrom completed epochs found in a checkpoint at start (0 for a fresh run)
 */
public record TrainingOutcome(List<EpochMetrics> history, int bestEpoch, boolean stoppedEarly, int resumedFrom)
    implements Serializable {
  public TrainingOutcome {
    history = List.copyOf(history);
  }

  /** @return the metrics of the epoch whose weights were kept */
  public EpochMetrics best() {
    return history.stream().filter(m -> m.epoch() == bestEpoch).findFirst().orElseThrow();
  }
}
