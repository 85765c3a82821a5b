package dev.drelu.nn;

import ai.djl.ndarray.NDArray;

/** Losses on logits, shared by the trainers and the attacks. */
public final class Losses {
  private Losses() {}

  /**
   * Softmax cross-entropy per example, computed stably from logits.
   *
   * @param logits N x K
   * @param labels N integer labels (any integer type)
   * @return N losses
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray oneHot = labels.oneHot((int) logits.getShape().get(1));
    return logProbabilities.mul(oneHot).sum(new int[] {1}).neg();
  }

  /**
   * @param logits N x K
   * @param labels N integer labels
   * @return N booleans: the arg-max logit is the label
   */
  public static NDArray correct(NDArray logits, NDArray labels) {
    return logits.argMax(1).toType(labels.getDataType(), false).eq(labels);
  }
}
