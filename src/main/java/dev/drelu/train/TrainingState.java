package dev.drelu.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything besides tensors that a resumed run needs: how far it got, the schedule, the history.
 */
public record TrainingState(int completedEpochs, Schedule schedule, List<EpochMetrics> history)
    implements Serializable {

  public TrainingState {
    history = List.copyOf(history);
  }

  /** Before the first epoch. */
  public static TrainingState start(TrainingParams p) {
    return new TrainingState(0, Schedule.start(p), List.of());
  }

  /** @return the state after one more epoch */
  public TrainingState next(EpochMetrics metrics, Schedule after) {
    List<EpochMetrics> h = new ArrayList<>(history);
    h.add(metrics);
    return new TrainingState(metrics.epoch(), after, h);
  }
}
