package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/** Projections onto threat-model balls, steepest-ascent directions, and per-example random starts. */
final class Balls {
  private Balls() {}

  /**
   * @return the batch size N of x
   * @throws IllegalArgumentException unless there is one example index per example
   */
  static int checkedBatchSize(NDArray x, int[] exampleIndices) {
    int n = (int) x.getShape().get(0);
    if (exampleIndices.length != n) {
      throw new IllegalArgumentException("exampleIndices must have one entry per example (" + n
          + "), but had: " + exampleIndices.length);
    }
    return n;
  }

  /** @return the point of (ball of radius eps around x) ∩ [0, 1] nearest to adv, for Linf; for L2 the ball projection then the clip */
  static NDArray project(NDArray adv, NDArray x, Norm norm, double eps) {
    NDArray delta = adv.sub(x);
    if (norm == Norm.LINF) {
      delta = delta.clip(-eps, eps);
    } else {
      NDArray norms = perExampleL2(delta);
      NDArray factor = norms.maximum(scalar(norms, 1e-12)).pow(scalar(norms, -1)).mul(scalar(norms, eps)).minimum(scalar(norms, 1));
      delta = delta.mul(factor);
    }
    return x.add(delta).clip(0f, 1f);
  }

  /** @return the steepest-ascent direction of unit size for the norm: sign(g) or g / ||g||_2 */
  static NDArray ascent(NDArray grad, Norm norm) {
    if (norm == Norm.LINF) {
      return grad.sign();
    }
    return grad.mul(perExampleL2(grad).maximum(scalar(grad, 1e-12)).pow(scalar(grad, -1)));
  }

  /** @return N x 1 x 1 x ... per-example L2 norms, broadcastable against the batch */
  static NDArray perExampleL2(NDArray batch) {
    long n = batch.getShape().get(0);
    long[] keep = new long[batch.getShape().dimension()];
    java.util.Arrays.fill(keep, 1);
    keep[0] = n;
    return batch.reshape(n, -1).square().sum(new int[] {1}).sqrt().reshape(new Shape(keep));
  }

  /**
   * A random point of the ball around the origin, per example, drawn from (seed, example index):
   * uniform in the Linf cube, or uniform in the L2 ball.
   */
  static NDArray randomStart(NDArray x, int[] exampleIndices, Norm norm, double eps, long seed) {
    int perExample = (int) (x.size() / exampleIndices.length);
    float[] noise = new float[(int) x.size()];
    for (int e = 0; e < exampleIndices.length; e++) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + exampleIndices[e]);
      if (norm == Norm.LINF) {
        for (int k = 0; k < perExample; k++) {
          noise[e * perExample + k] = (float) ((random.nextDouble() * 2 - 1) * eps);
        }
      } else {
        double sq = 0;
        double[] g = new double[perExample];
        for (int k = 0; k < perExample; k++) {
          g[k] = gaussian(random);
          sq += g[k] * g[k];
        }
        double radius = eps * Math.pow(random.nextDouble(), 1.0 / perExample) / Math.sqrt(sq);
        for (int k = 0; k < perExample; k++) {
          noise[e * perExample + k] = (float) (g[k] * radius);
        }
      }
    }
    return x.getManager().create(noise, x.getShape()).toDevice(x.getDevice(), false);
  }

  static double gaussian(SplittableRandom r) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
