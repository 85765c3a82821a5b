package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import dev.drelu.nn.Classifier;

/**
 * An attack crafts inputs for one batch. Implementations work on logits, keep the model in
 * evaluation mode, stay inside their threat model and [0, 1], and must not change the model.
 */
public interface Attack {
  /**
   * @param model the classifier under attack
   * @param x N x C x H x W clean inputs in [0, 1]
   * @param y N labels (int64)
   * @param exampleIndices the N examples' stable indices (seed per-example randomness with them,
   *     so a sharded run equals an unsharded one)
   * @return the adversarial inputs (same shape as x, on x's manager) and the queries spent
   */
  Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices);

  /**
   * What an attack returns for a batch.
   *
   * @param adversarial inputs inside the threat model
   * @param queries per example: model evaluations spent (forward passes for a black-box attack,
   *     gradient evaluations for a white-box one)
   */
  record Result(NDArray adversarial, int[] queries) {}
}
