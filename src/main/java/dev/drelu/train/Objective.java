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
   * @return the mean data loss over the batch (scalar) and the logits on clean inputs
   */
  Result loss(Classifier model, NDArray x, NDArray y);

  /** The loss to differentiate and the clean logits (for accuracy). */
  record Result(NDArray loss, NDArray cleanLogits) {}

  /** Cross-entropy on clean inputs. */
  Objective NATURAL = (model, x, y) -> {
    NDArray logits = model.forward(x, true);
    return new Result(Losses.crossEntropy(logits, y).mean(), logits);
  };
}
