package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;

/**
 * Runs a randomised attack several times with different seeds and keeps, per example, the first
 * run that fools the model (else the last run's point): the worst case over restarts.
 */
final class Restarts implements Attack {
  /** An attack whose randomness can be reseeded per restart. */
  interface Seeded {
    Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices, long seed);
  }

  private final Seeded inner;
  private final int restarts;
  private final long seed;

  /**
   * @param restarts runs per example (1 = the attack once, with {@code seed})
   * @param seed the first run's seed; later runs derive theirs from it
   */
  Restarts(Seeded inner, int restarts, long seed) {
    this.inner = inner;
    this.restarts = restarts;
    this.seed = seed;
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    boolean[] fooled = new boolean[exampleIndices.length];
    int[] queries = new int[exampleIndices.length];
    NDArray chosen = null;
    for (int r = 0; r < restarts; r++) {
      // restart r of every example uses the same derived seed, whatever the batching
      Result run = inner.perturb(model, x, y, exampleIndices, seedFor(r));
      boolean[] now = misclassified(model, run.adversarial(), y);
      if (chosen == null) {
        chosen = run.adversarial();
        fooled = now;
        queries = run.queries().clone();
        continue;
      }
      float[] keepNew = new float[exampleIndices.length];
      for (int i = 0; i < keepNew.length; i++) {
        if (!fooled[i]) {
          keepNew[i] = 1f;
          queries[i] += run.queries()[i];
          fooled[i] = now[i];
        }
      }
      NDArray mask = x.getManager().create(keepNew).reshape(broadcast(x));
      chosen = run.adversarial().mul(mask).add(chosen.mul(mask.neg().add(scalar(mask, 1))));
    }
    return new Result(chosen, queries);
  }

  private long seedFor(int restart) {
    return restart == 0 ? seed : seed * 1_000_003L + restart;
  }

  static boolean[] misclassified(Classifier model, NDArray adv, NDArray y) {
    try (Autograd off = Autograd.off()) {
      int[] pred = model.forward(adv, false).argMax(1).toType(DataType.INT32, false).toIntArray();
      long[] labels = y.toLongArray();
      boolean[] out = new boolean[pred.length];
      for (int i = 0; i < pred.length; i++) {
        out[i] = pred[i] != labels[i];
      }
      return out;
    }
  }

  private static long[] broadcast(NDArray x) {
    long[] shape = new long[x.getShape().dimension()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = x.getShape().get(0);
    return shape;
  }
}
