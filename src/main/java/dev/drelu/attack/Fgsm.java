package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import dev.drelu.nn.Classifier;
import java.util.Arrays;

/**
 * FGSM (Goodfellow, Shlens &amp; Szegedy 2015): {@code x' = clip(x + eps * sign(grad_x CE), 0, 1)}.
 * Threat model: Linf ball of radius eps in [0, 1] pixel space.
 */
final class Fgsm implements Attack {
  private final AttackParams params;

  Fgsm(AttackParams params) {
    this.params = params;
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    NDArray grad = InputGradient.crossEntropy(model, x, y, params.straightThrough());
    int[] queries = new int[exampleIndices.length];
    Arrays.fill(queries, 1);
    return new Result(x.add(grad.sign().mul((float) params.epsilon())).clip(0f, 1f), queries);
  }
}
