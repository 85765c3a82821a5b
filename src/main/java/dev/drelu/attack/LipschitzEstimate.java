package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.drelu.core.Checks;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;

/**
 * Empirical local Lipschitz constants of a model's logits, in L2: how much the output can change
 * per unit of input change near each test input. The paper argues that lower caps mean smaller
 * output changes; this measures it instead of assuming it.
 *
 * <p>Two estimates per example, both lower bounds of the true local constant:
 * <ul>
 *   <li><b>searched</b>: the largest {@code ||f(x+d) - f(x)|| / ||d||} that projected gradient
 *       ascent on that ratio finds for d inside the threat model's ball (intersected with [0, 1]);
 *   <li><b>sampled</b> (in the spirit of CLEVER, Weng et al. 2018): the largest spectral norm of the
 *       Jacobian of the logits at points drawn uniformly from the ball, each by power iteration
 *       ({@code J v} by a forward difference, {@code J^T u} by backpropagation).
 * </ul>
 * For a linear model both equal the largest singular value of its weight matrix. Every random
 * draw depends only on (seed, example index, sample), as in the attacks.
 */
public final class LipschitzEstimate {
  /** The forward-difference step of {@code J v} for a unit v: small, yet far above float noise. */
  private static final double DIFFERENCE_STEP = 1e-3;

  private LipschitzEstimate() {}

  /**
   * @param threat the ball the estimate looks in
   * @param steps gradient-ascent steps of the search
   * @param samples points drawn per example for the sampled estimate
   * @param powerIterations power-iteration rounds per sampled point
   * @param seed seeds the start of the search and the drawn points
   */
  public record Params(ThreatModel threat, int steps, int samples, int powerIterations, long seed) {
    public Params {
      Checks.positive("epsilon", threat.epsilon());
      Checks.atLeast("steps", steps, 1);
      Checks.atLeast("samples", samples, 1);
      Checks.atLeast("power-iterations", powerIterations, 1);
    }

    /** @return 50 ascent steps, 8 points of 10 power iterations each, seed 0 */
    public static Params defaults(ThreatModel threat) {
      return new Params(threat, 50, 8, 10, 0);
    }
  }

  /**
   * @param searched per example, the largest ratio the gradient search found
   * @param sampled per example, the largest Jacobian spectral norm over the drawn points
   */
  public record Result(double[] searched, double[] sampled) {
    /** @return the largest searched estimate over the examples */
    public double maxSearched() {
      return java.util.Arrays.stream(searched).max().orElse(Double.NaN);
    }

    /** @return the largest sampled estimate over the examples */
    public double maxSampled() {
      return java.util.Arrays.stream(sampled).max().orElse(Double.NaN);
    }

    /** @return what a table shows of it: means and maxima over the examples, at {@code threat} */
    public Summary summary(ThreatModel threat) {
      return new Summary(threat.label(), searched.length, mean(searched), maxSearched(), mean(sampled), maxSampled());
    }

    private static double mean(double[] values) {
      return java.util.Arrays.stream(values).average().orElse(Double.NaN);
    }
  }

  /**
   * A model's estimates in a few numbers, as the diagnose stage keeps them.
   *
   * @param threatModel the ball looked in, e.g. "Linf 0.1"
   * @param examples how many examples were estimated
   * @param meanSearched mean over the examples of the searched estimate
   * @param maxSearched its largest value
   * @param meanSampled mean over the examples of the sampled (CLEVER-style) estimate
   * @param maxSampled its largest value
   */
  public record Summary(String threatModel, int examples, double meanSearched, double maxSearched, double meanSampled,
      double maxSampled) implements java.io.Serializable {}

  /** @return both estimates for every example of {@code data}, in batches of {@code batchSize} */
  public static Result of(Classifier model, ImageDataset data, Params params, int batchSize) {
    int n = data.size();
    double[] searched = new double[n];
    double[] sampled = new double[n];
    int[] rows = Batches.allRows(n);
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      int[] indices = java.util.Arrays.copyOfRange(rows, from, to);
      try (NDManager batch = model.manager().newSubManager()) {
        Result part = of(model, Batches.images(batch, data, rows, from, to), indices, params);
        System.arraycopy(part.searched(), 0, searched, from, to - from);
        System.arraycopy(part.sampled(), 0, sampled, from, to - from);
      }
    }
    return new Result(searched, sampled);
  }

  /**
   * @param x N inputs
   * @param exampleIndices one stable index per example (seeds its draws)
   */
  public static Result of(Classifier model, NDArray x, int[] exampleIndices, Params params) {
    Balls.checkedBatchSize(x, exampleIndices);
    // input gradients only: the same values, without the weights' gradients (see RobustEvaluator)
    return model.withFrozenParameters(() -> {
      try (NDScope scope = new NDScope()) {
        return new Result(searched(model, x, exampleIndices, params), sampled(model, x, exampleIndices, params));
      }
    });
  }

  /** Projected gradient ascent on r(d) = ||f(x+d) - f(x)|| / ||d||, keeping each example's best. */
  private static double[] searched(Classifier model, NDArray x, int[] indices, Params p) {
    Norm norm = p.threat().norm();
    double eps = p.threat().epsilon();
    NDArray clean = logits(model, x);
    double[] best = new double[indices.length];
    NDArray adv = Balls.project(x.add(Balls.randomStart(x, indices, norm, eps, p.seed())), x, norm, eps);
    for (int s = 0; s <= p.steps(); s++) {
      // steps shrink linearly to 0: with a fixed step, normalised ascent circles the best direction
      double step = eps / 2 * (1 - (double) s / p.steps());
      try (NDScope iteration = new NDScope()) {
        // the norm is smoothed at 0 so that its gradient exists where the output has not moved
        InputGradient.Evaluation e = InputGradient.of(model, adv,
            z -> z.sub(clean).square().sum(new int[] {1}).add(scalar(z, 1e-20)).sqrt(), false);
        NDArray d = adv.sub(x);
        NDArray length = Balls.perExampleL2(d);
        NDArray safe = length.maximum(scalar(length, 1e-12));
        NDArray ratio = e.loss().reshape(length.getShape()).div(safe);
        float[] lengths = length.toFloatArray();
        float[] ratios = ratio.toFloatArray();
        for (int i = 0; i < best.length; i++) {
          if (lengths[i] > 1e-9) {
            best[i] = Math.max(best[i], ratios[i]);
          }
        }
        if (s == p.steps()) {
          break;
        }
        // d r / d x = g / |d| - r d / |d|^2, with g the gradient of ||f(x+d) - f(x)||
        NDArray gradient = e.gradient().div(safe).sub(d.mul(ratio).div(safe.square()));
        NDArray next = Balls.project(adv.add(Balls.ascent(gradient, norm).mul(scalar(adv, step))), x, norm, eps);
        NDScope.unregister(next);
        adv.close();
        adv = next;
      }
    }
    adv.close();
    return best;
  }

  /** The largest Jacobian spectral norm, by power iteration, at points drawn from the ball. */
  private static double[] sampled(Classifier model, NDArray x, int[] indices, Params p) {
    Norm norm = p.threat().norm();
    double eps = p.threat().epsilon();
    double[] best = new double[indices.length];
    for (int sample = 0; sample < p.samples(); sample++) {
      try (NDScope draw = new NDScope()) {
        long seed = p.seed() * 31 + 1 + sample;
        NDArray point = Balls.project(x.add(Balls.randomStart(x, indices, norm, eps, seed)), x, norm, eps);
        NDArray at = logits(model, point);
        // a random unit direction per example (the draw for the next sample's seed is unrelated)
        NDArray v = unit(Balls.randomStart(x, indices, Norm.L2, 1.0, ~seed));
        float[] sigma = new float[indices.length];
        for (int k = 0; k < p.powerIterations(); k++) {
          try (NDScope round = new NDScope()) {
            NDArray u = logits(model, point.add(v.mul(scalar(v, DIFFERENCE_STEP)))).sub(at)
                .div(scalar(at, DIFFERENCE_STEP));
            sigma = u.square().sum(new int[] {1}).sqrt().toFloatArray(); // ||J v|| for a unit v
            NDArray back = InputGradient.of(model, point, z -> z.mul(u).sum(new int[] {1}), false).gradient();
            NDArray next = unit(back);
            NDScope.unregister(next);
            v.close();
            v = next;
          }
        }
        v.close();
        for (int i = 0; i < best.length; i++) {
          best[i] = Math.max(best[i], sigma[i]);
        }
      }
    }
    return best;
  }

  private static NDArray logits(Classifier model, NDArray x) {
    try (Autograd off = Autograd.off()) {
      return model.forward(x, false);
    }
  }

  private static NDArray unit(NDArray v) {
    NDArray length = Balls.perExampleL2(v);
    return v.div(length.maximum(scalar(length, 1e-12)));
  }
}
