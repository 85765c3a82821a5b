package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import java.util.Arrays;

/**
 * FGSM (Goodfellow, Shlens &amp; Szegedy 2015): {@code x' = clip(x + eps * sign(grad_x CE), 0, 1)}.
 * Threat model: Linf ball of radius eps in [0, 1] pixel space.
 */
final class Fgsm implements Attack {
  private final FgsmParams params;

  Fgsm(FgsmParams params) {
    this.params = params;
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    NDArray adv;
    try (NDScope scope = new NDScope()) {
      NDArray grad = InputGradient.of(model, x, logits -> Losses.crossEntropy(logits, y), params.straightThrough())
          .gradient();
      adv = x.add(grad.sign().mul(scalar(x, params.epsilon()))).clip(0f, 1f);
      NDScope.unregister(adv);
    }
    int[] queries = new int[exampleIndices.length];
    Arrays.fill(queries, 1);
    return new Result(adv, queries);
  }
}
