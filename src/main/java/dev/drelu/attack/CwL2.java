package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import java.util.Arrays;

/**
 * Carlini &amp; Wagner L2 (Carlini &amp; Wagner, "Towards evaluating the robustness of neural
 * networks", IEEE S&amp;P 2017), untargeted, following the authors' {@code l2_attack.py}
 * (carlini/nn_robust_attacks).
 *
 * <p>Change of variables {@code x' = (tanh(w) + 1) / 2}, so x' is in [0, 1] for every w; minimise
 * {@code ||x' - x||_2^2 + c * max(z_y - max_{i != y} z_i + kappa, 0)} on logits z with Adam on w
 * ({@code steps} iterations from w = artanh(2x - 1), Adam's state reset, per binary-search step),
 * and search c per example: starting at {@code initialConst}, on success {@code upper = min(upper,
 * c)} and c = (lower + upper) / 2, on failure {@code lower = max(lower, c)} and c times 10 while no
 * success is known, else (lower + upper) / 2. With 10 or more search steps the last one runs at
 * the upper bound, as the reference does. The smallest-L2 successful iterate is kept per example.
 *
 * <p>Threat model: the L2 ball of radius eps around x, intersected with [0, 1]. CW-L2 itself is
 * unbounded (it minimises the distance), so drelu returns, per example, the smallest-L2
 * successful iterate if its L2 distance is at most eps, and the clean input otherwise: robust
 * accuracy at eps is then honest (a success outside the ball does not count), and the L2 column
 * of a fooled example is its minimal distance found.
 *
 * <p>Success is judged on the exact forward pass of each iterate (straight-through, when on,
 * changes only the backward pass): the arg-max of the logits with kappa added to z_y is not y
 * (the cleverhans form; the authors' {@code compare} subtracts kappa in the untargeted case, the
 * same for the default kappa = 0). Queries: one gradient evaluation per iteration per example,
 * {@code binarySearchSteps * steps} for every example.
 *
 * <p>Departures from the reference: no early abort (the reference aborts on the loss summed over
 * the batch, which would make an example's result depend on its batch-mates); the distance is
 * measured to the clean x rather than to tanh(artanh(x * 0.999999)) (a 1e-6 difference).
 * The Adam update is TensorFlow's (the reference's optimizer): {@code lr_t = lr * sqrt(1 -
 * beta2^t) / (1 - beta1^t)}, {@code w -= lr_t * m / (sqrt(v) + 1e-8)}.
 */
final class CwL2 implements Attack {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPSILON = 1e-8;
  /** The reference's "no upper bound yet" (1e10) and its test against 1e9. */
  private static final double NO_UPPER = 1e10;
  /** Subtracted from z_y before the max over the other classes; the reference uses 10000. */
  private static final float MASK = 1e30f;

  private final CwL2Params params;

  /** The learning rate and initial constant are checked where {@link CwL2Params} is built. */
  CwL2(CwL2Params params) {
    this.params = params;
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    Shape shape = x.getShape();
    int n = Balls.checkedBatchSize(x, exampleIndices);
    int d = (int) (x.size() / n);
    int searchSteps = params.binarySearchSteps();
    int steps = params.steps();
    float[] clean = x.toFloatArray();
    long[] labels = y.toLongArray();
    float[] bestAdversarial = clean.clone();
    double[] bestL2 = new double[n];
    Arrays.fill(bestL2, Double.POSITIVE_INFINITY);
    double[] lower = new double[n];
    double[] upper = new double[n];
    Arrays.fill(upper, NO_UPPER);
    double[] constant = new double[n];
    Arrays.fill(constant, params.initialConst());
    int[] queries = new int[n];
    Arrays.fill(queries, searchSteps * steps);

    // everything this attack allocates lives here and is freed on return
    try (NDManager work = x.getManager().newSubManager()) {
      NDArray target = work.create(clean, shape);
      // artanh((2x - 1) * 0.999999): the reference's shrink keeps 0 and 1 finite
      NDArray t = target.sub(scalar(target, 0.5)).mul(scalar(target, 1.999999f));
      NDArray w0 = t.add(scalar(t, 1)).div(t.neg().add(scalar(t, 1))).log().mul(scalar(t, 0.5));
      NDArray oneHot = null;
      for (int outer = 0; outer < searchSteps; outer++) {
        if (searchSteps >= 10 && outer == searchSteps - 1) {
          System.arraycopy(upper, 0, constant, 0, n); // the reference's last "repeat" at the upper bound
        }
        boolean[] succeeded = new boolean[n];
        // a fresh start and a fresh Adam per search step, as the reference re-initialises both
        try (NDManager search = work.newSubManager()) {
          NDArray w = w0.duplicate();
          w.attach(search);
          w.setRequiresGradient(true);
          NDArray m = search.zeros(w.getShape(), DataType.FLOAT32);
          NDArray v = search.zeros(w.getShape(), DataType.FLOAT32);
          float[] c = new float[n];
          for (int e = 0; e < n; e++) {
            c[e] = (float) constant[e];
          }
          NDArray constants = search.create(c);
          for (int step = 0; step < steps; step++) {
            // per-iteration temporaries (graph, logits, gradient, Adam terms) die with the scope
            try (NDScope scope = new NDScope()) {
              Evaluation at = lossAndGradient(model, w, target, constants, labels, oneHot,
                  params.confidence(), params.straightThrough());
              if (oneHot == null) {
                oneHot = at.oneHot;
                scope.unregister(oneHot);
                oneHot.attach(work);
              }
              float[] advHost = null;
              for (int e = 0; e < n; e++) {
                if (!fooled(at.logits, e, labels[e], at.classes)) {
                  continue;
                }
                succeeded[e] = true;
                if (at.l2Squared[e] < bestL2[e]) {
                  if (advHost == null) {
                    advHost = at.adversarial;
                  }
                  bestL2[e] = at.l2Squared[e];
                  System.arraycopy(advHost, e * d, bestAdversarial, e * d, d);
                }
              }
              adamStep(w, m, v, step + 1);
              scope.suppressNotUsedWarning();
            }
          }
        }
        for (int e = 0; e < n; e++) {
          if (succeeded[e]) {
            upper[e] = Math.min(upper[e], constant[e]);
            if (upper[e] < 1e9) {
              constant[e] = (lower[e] + upper[e]) / 2;
            }
          } else {
            lower[e] = Math.max(lower[e], constant[e]);
            constant[e] = upper[e] < 1e9 ? (lower[e] + upper[e]) / 2 : constant[e] * 10;
          }
        }
      }
    }
    float[] out = clean.clone();
    double eps = params.epsilon();
    for (int e = 0; e < n; e++) {
      // the threat-model contract: only a success inside the ball is returned, judged on the
      // float values actually returned
      if (bestL2[e] < Double.POSITIVE_INFINITY && l2(bestAdversarial, clean, e * d, d) <= eps) {
        System.arraycopy(bestAdversarial, e * d, out, e * d, d);
      }
    }
    return new Result(x.getManager().create(out, shape), queries);
  }

  /** What one iteration saw at the current w, before the update: host copies. */
  private record Evaluation(float[] logits, int classes, float[] l2Squared, float[] adversarial, NDArray oneHot) {}

  /**
   * Forward and backward of the CW loss at w: leaves dLoss/dw in w's gradient (which the last
   * Adam step zeroed). Package-private and local to CW-L2 on purpose: a generic-loss input
   * gradient is being added elsewhere for APGD; the two are to be unified.
   *
   * @param constants N values of c
   * @param oneHotOrNull N x K one-hot labels, or null to build them (returned for reuse)
   * @param straightThrough BPDA through the caps for the backward pass only
   */
  static Evaluation lossAndGradient(Classifier model, NDArray w, NDArray target, NDArray constants,
      long[] labels, NDArray oneHotOrNull, double confidence, boolean straightThrough) {
    int n = (int) target.getShape().get(0);
    NDArray adversarial;
    NDArray logits;
    NDArray l2Squared;
    NDArray oneHot = oneHotOrNull;
    model.setStraightThrough(straightThrough);
    try (Autograd autograd = Autograd.record()) {
      adversarial = w.tanh().add(scalar(w, 1)).div(scalar(w, 2));
      logits = model.forward(adversarial, false);
      if (oneHot == null) {
        oneHot = target.getManager().create(labels).oneHot((int) logits.getShape().get(1));
      }
      l2Squared = adversarial.sub(target).square().reshape(n, -1).sum(new int[] {1});
      NDArray real = logits.mul(oneHot).sum(new int[] {1});
      NDArray other = logits.sub(oneHot.mul(scalar(oneHot, MASK))).max(new int[] {1});
      NDArray f = real.sub(other).add(scalar(real, confidence)).maximum(scalar(real, 0));
      NDArray loss = l2Squared.add(constants.mul(f)).sum();
      autograd.backward(loss);
    } finally {
      model.setStraightThrough(false);
    }
    return new Evaluation(logits.toFloatArray(), (int) logits.getShape().get(1), l2Squared.toFloatArray(),
        adversarial.toFloatArray(), oneHot);
  }

  /** @return true if the arg-max of the logits, with kappa added to z_y, is not y (first max wins a tie) */
  private boolean fooled(float[] logits, int e, long label, int classes) {
    int argMax = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < classes; j++) {
      float z = logits[e * classes + j] + (j == label ? (float) params.confidence() : 0f);
      if (z > max) {
        max = z;
        argMax = j;
      }
    }
    return argMax != label;
  }

  /** TensorFlow's Adam (the reference's optimizer) on w, in place; zeroes w's gradient. */
  private void adamStep(NDArray w, NDArray m, NDArray v, int t) {
    try (Autograd off = Autograd.off()) {
      NDArray g = w.getGradient();
      // float scalars: a double would promote the result to float64
      m.muli(scalar(m, BETA1)).addi(g.mul(scalar(g, 1 - BETA1)));
      v.muli(scalar(v, BETA2)).addi(g.square().muli(scalar(g, 1 - BETA2)));
      double rate = params.learningRate() * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
      w.subi(m.mul(scalar(m, rate)).div(v.sqrt().add(scalar(v, ADAM_EPSILON))));
      g.subi(g); // PyTorch accumulates gradients across backward calls
    }
  }

  private static double l2(float[] a, float[] b, int from, int length) {
    double sq = 0;
    for (int i = from; i < from + length; i++) {
      double diff = (double) a[i] - b[i];
      sq += diff * diff;
    }
    return Math.sqrt(sq);
  }
}
