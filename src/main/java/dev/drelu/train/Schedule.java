package dev.drelu.train;

import java.io.Serializable;

/**
 * Keras' ReduceLROnPlateau (min_delta 1e-4, no cooldown) and EarlyStopping (min_delta 0,
 * restore best weights) on the monitored validation loss, as one immutable state.
 *
 * @param learningRate current rate for the weights
 * @param capLearningRate current rate for the caps (halved together with the weights' rate)
 * @param plateauBest best loss as the plateau rule counts it
 * @param plateauWait epochs since the plateau rule last saw an improvement
 * @param bestLoss best loss as early stopping counts it
 * @param bestEpoch the epoch that reached bestLoss (its weights are kept)
 * @param stopWait epochs since bestLoss
 * @param stopped early stopping fired
 */
public record Schedule(
    double learningRate,
    double capLearningRate,
    double plateauBest,
    int plateauWait,
    double bestLoss,
    int bestEpoch,
    int stopWait,
    boolean stopped)
    implements Serializable {

  private static final double PLATEAU_MIN_DELTA = 1e-4;

  /** The state before the first epoch. */
  public static Schedule start(TrainingParams p) {
    return new Schedule(p.learningRate(), p.effectiveCapLearningRate(),
        Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY, 0, 0, false);
  }

  /** @return true if {@code loss} at this point would be a new best (its weights kept) */
  public boolean isNewBest(double loss) {
    return loss < bestLoss;
  }

  /**
   * @param epoch the epoch just finished (1-based)
   * @param loss its monitored validation loss
   * @return the state after it
   */
  public Schedule after(int epoch, double loss, TrainingParams p) {
    double lr = learningRate;
    double capLr = capLearningRate;
    double pBest = plateauBest;
    int pWait = plateauWait;
    if (loss < plateauBest - PLATEAU_MIN_DELTA) {
      pBest = loss;
      pWait = 0;
    } else if (++pWait >= p.plateauPatience()) {
      lr *= p.plateauFactor();
      capLr *= p.plateauFactor();
      pWait = 0;
    }
    boolean improved = isNewBest(loss);
    int wait = improved ? 0 : stopWait + 1;
    return new Schedule(lr, capLr, pBest, pWait,
        improved ? loss : bestLoss, improved ? epoch : bestEpoch, wait,
        wait >= p.earlyStoppingPatience());
  }
}
