package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.nn.Classifier;
import java.util.SplittableRandom;

/**
 * Linf PGD (Madry et al. 2018): from a uniform random point in the eps-ball, repeat
 * {@code x <- Proj(x + alpha * sign(grad_x CE))} where Proj clips to the ball and to [0, 1].
 * Returns the last iterate, as the reference implementations do.
 */
final class Pgd implements Attack {
  private final AttackParams params;

  Pgd(AttackParams params) {
    this.params = params;
  }

  @Override
  public NDArray perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    float eps = (float) params.epsilon();
    NDArray lower = x.sub(eps).maximum(0f);
    NDArray upper = x.add(eps).minimum(1f);
    NDArray adv = params.randomStart() ? x.add(uniformStart(x, exampleIndices, eps)) : x.duplicate();
    adv = adv.maximum(lower).minimum(upper);
    for (int step = 0; step < params.steps(); step++) {
      NDArray grad = InputGradient.crossEntropy(model, adv, y, params.straightThrough());
      NDArray next = adv.add(grad.sign().mul((float) params.stepSize())).maximum(lower).minimum(upper);
      grad.close();
      adv.close();
      adv = next;
    }
    return adv;
  }

  /** Uniform noise in [-eps, eps], drawn per example from (seed, example index). */
  private NDArray uniformStart(NDArray x, int[] exampleIndices, float eps) {
    NDManager manager = x.getManager();
    int perExample = (int) (x.size() / exampleIndices.length);
    float[] noise = new float[(int) x.size()];
    for (int e = 0; e < exampleIndices.length; e++) {
      SplittableRandom random = new SplittableRandom(params.seed() * 0x9E3779B97F4A7C15L + exampleIndices[e]);
      for (int k = 0; k < perExample; k++) {
        noise[e * perExample + k] = (float) ((random.nextDouble() * 2 - 1) * eps);
      }
    }
    return manager.create(noise, x.getShape()).toDevice(x.getDevice(), false);
  }
}
