package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.drelu.nn.Classifier;
import java.util.Arrays;

/**
 * PGD (Madry et al. 2018) in Linf or L2: from a random point of the eps-ball, repeat
 * {@code x <- Proj(x + alpha * d)} with d = sign(grad) (Linf) or grad / ||grad||_2 (L2), and Proj
 * onto the ball and [0, 1]. Returns the last iterate, as the reference implementations do. The
 * gradient is that of the chosen loss (cross-entropy, margin or DLR), through the chosen surrogate
 * of the caps, whose soft-cap temperature anneals over the steps of each run.
 */
final class Pgd implements Attack, Restarts.Seeded {
  private final PgdParams params;

  Pgd(PgdParams params) {
    this.params = params;
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    return perturb(model, x, y, exampleIndices, params.seed());
  }

  /** One run whose random start is drawn from {@code seed}. */
  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices, long seed) {
    NDArray adv = params.randomStart()
        ? Balls.project(x.add(Balls.randomStart(x, exampleIndices, params.norm(), params.epsilon(), seed)), x,
            params.norm(), params.epsilon())
        : x.duplicate();
    for (int step = 0; step < params.steps(); step++) {
      // the scope frees this step's temporaries (gradient, direction, projection); only the next point survives
      try (NDScope scope = new NDScope()) {
        NDArray grad = InputGradient.of(model, adv, logits -> params.loss().apply(logits, y),
            params.surrogate().at(step, params.steps())).gradient();
        NDArray next = Balls.project(
            adv.add(Balls.ascent(grad, params.norm()).mul(scalar(x, params.stepSize()))), x, params.norm(), params.epsilon());
        NDScope.unregister(next);
        adv.close();
        adv = next;
      }
    }
    int[] queries = new int[exampleIndices.length];
    Arrays.fill(queries, params.steps());
    return new Result(adv, queries);
  }
}
