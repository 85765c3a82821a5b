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
   * @param y N labels
   * @param exampleIndices the N examples' stable indices (seed per-example randomness with them,
   *     so a sharded run equals an unsharded one)
   * @return the adversarial inputs, same shape as x, on x's manager
   */
  NDArray perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices);

  /** Builds the attack a parameter set describes. */
  static Attack of(AttackParams p) {
    return switch (p.method()) {
      case FGSM -> new Fgsm(p);
      case PGD -> new Pgd(p);
    };
  }
}
