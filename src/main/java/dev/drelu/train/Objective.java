package dev.drelu.train;

import ai.djl.ndarray.NDArray;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;

/**
 * The data term of the training loss for one batch (the trainer adds lambda * sum(m^2)).
 * Natural training uses cross-entropy on clean inputs; adversarial training and TRADES plug in
 * their own objective here.
 */
public interface Objective {
  /**
   * @param model in training mode; an objective that attacks must not leave parameter gradients
   * @param x the clean batch
   * @param y its labels
   * @param batchSeed seeds any randomness of this batch (a function of the training seed, the
   *     epoch and the batch, so a resumed epoch draws the same)
   * @return the mean data loss over the batch (scalar) and the logits training accuracy is
   *     measured on
   */
  Result loss(Classifier model, NDArray x, NDArray y, long batchSeed);

  /** The loss to differentiate and the logits for the training accuracy. */
  record Result(NDArray loss, NDArray cleanLogits) {}

  /** @return the objective a training configuration asks for */
  static Objective of(TrainingParams p) {
    if (p.adversarial() == null) {
      return NATURAL;
    }
    return switch (p.adversarial().method()) {
      case AT -> new PgdTraining(p.adversarial());
      case TRADES -> new Trades(p.adversarial());
    };
  }

  /** Cross-entropy on clean inputs. */
  Objective NATURAL = (model, x, y, batchSeed) -> {
    NDArray logits = model.forward(x, true);
    return new Result(Losses.crossEntropy(logits, y).mean(), logits);
  };
}
