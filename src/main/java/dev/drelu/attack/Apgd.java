package dev.drelu.attack;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Auto-PGD (Croce &amp; Hein, "Reliable evaluation of adversarial robustness with an ensemble of
 * diverse parameter-free attacks", ICML 2020), as the authors' reference implementation does it
 * (fra31/auto-attack, {@code autoattack/autopgd_base.py}): APGD-CE (cross-entropy), APGD-DLR (the
 * difference-of-logits ratio, {@link Losses#dlr}) and APGD-T (the targeted DLR loss,
 * {@link Losses#targetedDlr}, once per each of the top {@code targets} wrong classes).
 *
 * <p>Threat model: white box on logits, untargeted success (any wrong class counts, also for
 * APGD-T), perturbations in the Linf or L2 ball of radius eps (pixel units, inputs in [0, 1]),
 * intersected with [0, 1]; the model stays in evaluation mode. With {@code straightThrough} every
 * gradient passes the caps as plain ReLUs (BPDA), with a soft-cap surrogate through a smooth cap
 * whose temperature anneals over each run; every verdict uses the exact forward pass.
 *
 * <p>One run per example: a random start on the ball's surface (Linf: uniform noise scaled so its
 * largest entry is eps; L2: a Gaussian direction of length eps; then clipped to [0, 1]); step size
 * 2 eps; the first step plain, later ones with momentum {@code x' = P(x + a (z - x) + (1 - a)(x -
 * x_prev))}, {@code z = P(x + eta d(grad))}; at the checkpoints of {@link #checkpoints} an
 * example's step is halved, and it restarts from its best point, when fewer than rho of its steps
 * since the last checkpoint raised the loss, or when its step was not halved at the last checkpoint
 * and its best loss has not risen since. Each example has its own step size and counters.
 *
 * <p>Runs (restarts, and for APGD-T the targets times restarts) follow the reference's own loop,
 * not {@link Restarts}: only examples the model still classifies correctly are attacked again,
 * and examples it already misclassifies clean are not attacked at all (zero queries, returned
 * unchanged). The output per example is the last misclassified iterate if any run found one,
 * else the highest-loss point over all runs.
 *
 * <p>Where this departs from the reference, and why: the random starts are drawn per example from
 * (seed, run, example index) rather than from one torch stream, so a sharded run equals an
 * unsharded one; APGD-T targets at most K - 1 classes (the reference indexes out of range when
 * {@code targets} exceeds K - 1); and an example that no run fooled gets its highest-loss point,
 * where the reference's {@code perturb} returns the clean input (verdicts are the same: every
 * point such an example visited is classified correctly).
 *
 * <p>Queries: every forward-and-backward pass counts, i.e. steps + 1 per run (the start point's
 * gradient as well), which is what the reference spends. APGD-T's forward pass on the clean input
 * (to rank the targets) is not a gradient evaluation and is not counted.
 *
 * <p>Expectation over transformation ({@link ApgdParams#eotSamples}, AutoAttack's "rand" version
 * uses 20): the reference sums the gradient of {@code eot_iter} forward passes and divides by
 * their number, to average out a randomised model. A drelu model in evaluation mode is
 * deterministic (dropout is off and no layer draws), so those passes are one gradient repeated and
 * their mean is that gradient: it is computed once. The setting stays in the parameters (and the
 * cache key), so a faithful rerun says which version it ran, and the queries counted are the ones
 * spent (one per step, not 20).
 */
final class Apgd implements Attack {
  /** The losses APGD ascends. */
  enum Loss {
    CE,
    DLR,
    TARGETED_DLR
  }

  private final ApgdParams params;
  private final Loss loss;

  /** {@link ApgdParams} holds an APGD variant, and APGD-T's at least one target. */
  Apgd(ApgdParams params) {
    this.params = params;
    this.loss = switch (params.method()) {
      case APGD_CE -> Loss.CE;
      case APGD_DLR -> Loss.DLR;
      case APGD_T -> Loss.TARGETED_DLR;
      default -> throw new IllegalStateException("ApgdParams holds only APGD variants, but held " + params.method());
    };
  }

  /**
   * The iterations after which step sizes are checked, as the reference computes them: the first
   * window is max(floor(0.22 n), 1) iterations, each next one max(floor(0.03 n), 1) shorter, but
   * never shorter than max(floor(0.06 n), 1). For n = 100: 22, 41, 57, 70, 80, 87, 93, 99, which
   * is the paper's p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06) times n.
   *
   * @param steps the iterations of a run
   * @return the cumulative iteration counts at which a check happens, increasing, all &lt;= steps
   */
  static List<Integer> checkpoints(int steps) {
    int window = Math.max((int) (0.22 * steps), 1);
    int shortest = Math.max((int) (0.06 * steps), 1);
    int shrink = Math.max((int) (0.03 * steps), 1);
    List<Integer> out = new ArrayList<>();
    for (int at = window; at <= steps; at += window) {
      out.add(at);
      window = Math.max(window - shrink, shortest);
    }
    return List.copyOf(out);
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    int n = exampleIndices.length;
    if (x.getShape().get(0) != n || y.getShape().get(0) != n) {
      throw new IllegalArgumentException("x, y and exampleIndices must have the same length, but were: "
          + x.getShape().get(0) + ", " + y.getShape().get(0) + " and " + n);
    }
    NDManager manager = x.getManager();
    long[] labels = y.toLongArray();
    int classes;
    int[] cleanPrediction;
    long[] ranking; // per example, classes ordered by clean logit, highest first (APGD-T's targets)
    try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
      NDArray logits = model.forward(x, false);
      classes = (int) logits.getShape().get(1);
      cleanPrediction = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
      ranking = loss == Loss.TARGETED_DLR ? logits.argSort(1, false).toLongArray() : null;
      scope.suppressNotUsedWarning();
    }
    requireClasses(classes);

    boolean[] robust = new boolean[n];
    for (int i = 0; i < n; i++) {
      robust[i] = cleanPrediction[i] == labels[i];
    }
    int[] queries = new int[n];
    float[] bestLoss = new float[n];
    Arrays.fill(bestLoss, Float.NEGATIVE_INFINITY);
    NDArray out = x.duplicate();
    int targetRanks = loss == Loss.TARGETED_DLR ? Math.min(params.targets(), classes - 1) : 1;
    int run = 0;
    for (int rank = 1; rank <= targetRanks; rank++) {
      for (int restart = 0; restart < params.restarts(); restart++, run++) {
        int[] active = indicesWhere(robust);
        if (active.length == 0) {
          continue;
        }
        long runSeed = seedFor(run);
        // everything a run makes is freed with this scope; its results are copied into out in place
        try (NDScope scope = new NDScope()) {
          NDArray rows = manager.create(toLong(active));
          NDArray subX = x.get(new NDIndex("{}", rows));
          NDArray subY = y.get(new NDIndex("{}", rows));
          int[] subIndices = new int[active.length];
          long[] targets = new long[active.length];
          for (int j = 0; j < active.length; j++) {
            subIndices[j] = exampleIndices[active[j]];
            if (ranking != null) {
              // active examples are classified correctly, so rank 0 is their label
              targets[j] = ranking[active[j] * classes + rank];
            }
          }
          NDArray subTargets = manager.create(targets);
          InputGradient.PerExampleLoss lossFn = switch (loss) {
            case CE -> logits -> Losses.crossEntropy(logits, subY);
            case DLR -> logits -> Losses.dlr(logits, subY);
            case TARGETED_DLR -> logits -> Losses.targetedDlr(logits, subY, subTargets);
          };
          RunResult r = singleRun(model, subX, subY, lossFn, subIndices, runSeed);
          List<Long> fooledTo = new ArrayList<>();
          List<Long> fooledFrom = new ArrayList<>();
          List<Long> betterTo = new ArrayList<>();
          List<Long> betterFrom = new ArrayList<>();
          for (int j = 0; j < active.length; j++) {
            int i = active[j];
            queries[i] += params.steps() + 1;
            if (r.fooled()[j]) {
              robust[i] = false;
              fooledTo.add((long) i);
              fooledFrom.add((long) j);
            } else if (r.lossBest()[j] > bestLoss[i]) {
              bestLoss[i] = r.lossBest()[j];
              betterTo.add((long) i);
              betterFrom.add((long) j);
            }
          }
          copyRows(out, fooledTo, r.lastAdversarial(), fooledFrom);
          copyRows(out, betterTo, r.best(), betterFrom);
        }
      }
    }
    return new Result(out, queries);
  }

  /**
   * One run's results, per example of the sub-batch.
   *
   * @param best the highest-loss point visited
   * @param lastAdversarial the last misclassified point visited (the start point if none was)
   * @param fooled whether any visited point was misclassified
   * @param lossBest the loss at {@code best}
   */
  private record RunResult(NDArray best, NDArray lastAdversarial, boolean[] fooled, float[] lossBest) {}

  /** {@code attack_single_run} of the reference, for the examples of x (all attacked). */
  private RunResult singleRun(Classifier model, NDArray x, NDArray y, InputGradient.PerExampleLoss lossFn,
      int[] exampleIndices, long seed) {
    int n = exampleIndices.length;
    int steps = params.steps();
    float eps = (float) params.epsilon();
    // gradient g of the run's steps + 1 follows surrogate.at(g, steps + 1): a soft cap anneals over the run
    SurrogateSchedule surrogate = params.surrogate();
    NDManager manager = x.getManager();
    long[] labels = y.toLongArray();
    long[] broadcast = new long[x.getShape().dimension()];
    Arrays.fill(broadcast, 1);
    broadcast[0] = n;
    NDArray lower = x.sub(scalar(x, eps));
    NDArray upper = x.add(scalar(x, eps));

    NDArray xAdv = x.add(manager.create(startNoise(x, exampleIndices, seed), x.getShape())).clip(0f, 1f);
    NDArray xBest = xAdv.duplicate();
    NDArray xBestAdv = xAdv.duplicate();
    NDArray xOld = xAdv.duplicate();
    NDArray grad;
    boolean[] fooled = new boolean[n];
    float[] lossBest;
    try (InputGradient.Evaluation e = InputGradient.of(model, xAdv, lossFn, surrogate.at(0, steps + 1))) {
      grad = e.gradient().duplicate();
      lossBest = e.loss().toFloatArray();
      markMisclassified(e.logits(), labels, fooled);
    }
    NDArray gradBest = grad.duplicate();

    float[] stepSize = new float[n];
    Arrays.fill(stepSize, 2 * eps);
    // loss after step i; zero-initialised, which matters: see previousLoss
    float[][] lossSteps = new float[steps][];
    for (int i = 0; i < steps; i++) {
      lossSteps[i] = new float[n];
    }
    float[] lossBestLastCheck = lossBest.clone();
    boolean[] reducedLastCheck = new boolean[n];
    Arrays.fill(reducedLastCheck, true); // so the no-improvement rule cannot fire at the first checkpoint
    List<Integer> checks = checkpoints(steps);
    int nextCheck = 0;
    int lastCheck = 0;
    float alpha = (float) params.momentum();

    for (int i = 0; i < steps; i++) {
      try (NDScope scope = new NDScope()) {
        float a = i > 0 ? alpha : 1f; // no momentum on the first step: there is no previous one
        NDArray previousMove = xAdv.sub(xOld);
        NDArray eta = manager.create(stepSize).reshape(broadcast);
        NDArray z = project(xAdv.add(direction(grad).mul(eta)), x, lower, upper, eps);
        NDArray next = project(xAdv.add(z.sub(xAdv).mul(scalar(x, a))).add(previousMove.mul(scalar(x, 1f - a))), x, lower, upper, eps);

        InputGradient.Evaluation e = InputGradient.of(model, next, lossFn, surrogate.at(i + 1, steps + 1));
        float[] lossNow = e.loss().toFloatArray();
        lossSteps[i] = lossNow;
        boolean[] wrongNow = new boolean[n];
        markMisclassified(e.logits(), labels, wrongNow);
        List<Long> wrong = new ArrayList<>();
        List<Long> improved = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          if (wrongNow[j]) {
            fooled[j] = true;
            wrong.add((long) j);
          }
          if (lossNow[j] > lossBest[j]) {
            lossBest[j] = lossNow[j];
            improved.add((long) j);
          }
        }
        copyRows(xBestAdv, wrong, next, wrong);
        copyRows(xBest, improved, next, improved);
        copyRows(gradBest, improved, e.gradient(), improved);

        xOld.close();
        xOld = xAdv;
        xAdv = next;
        grad.close();
        grad = e.gradient();
        NDScope.unregister(xAdv, grad);

        if (nextCheck < checks.size() && i + 1 == checks.get(nextCheck)) {
          boolean[] halved = halveAtCheckpoint(lossSteps, i, checks.get(nextCheck) - lastCheck, params.rho(),
              lossBest, lossBestLastCheck, reducedLastCheck);
          List<Long> halve = new ArrayList<>();
          for (int j = 0; j < n; j++) {
            if (halved[j]) {
              stepSize[j] /= 2f;
              halve.add((long) j);
            }
          }
          // restart those examples from their best point, with the gradient there
          copyRows(xAdv, halve, xBest, halve);
          copyRows(grad, halve, gradBest, halve);
          lastCheck = checks.get(nextCheck);
          nextCheck++;
        }
      }
    }
    xAdv.close();
    xOld.close();
    grad.close();
    gradBest.close();
    return new RunResult(xBest, xBestAdv, fooled, lossBest);
  }

  /**
   * The reference's step-size rule at a checkpoint, per example: halve when at most rho of the
   * window's steps raised the loss (the reference tests {@code count <= rho * window}; the paper
   * writes &lt;), or when the step was not halved at the last checkpoint and the best loss has not
   * risen since.
   *
   * @param lossSteps losses after each step so far (row = step, column = example), rows after
   *     {@code i} still zero
   * @param i the step just taken (0-based); the window is steps i - window + 1 .. i
   * @param window steps since the last checkpoint
   * @param lossBest best loss per example so far
   * @param lossBestLastCheck best loss at the last checkpoint; updated to lossBest
   * @param reducedLastCheck whether the step was halved at the last checkpoint (all true before
   *     the first, so the second rule cannot fire there); updated to this checkpoint's decision
   * @return per example: halve the step and restart from the best point
   */
  static boolean[] halveAtCheckpoint(float[][] lossSteps, int i, int window, double rho, float[] lossBest,
      float[] lossBestLastCheck, boolean[] reducedLastCheck) {
    boolean[] halve = new boolean[lossBest.length];
    for (int j = 0; j < halve.length; j++) {
      int increases = 0;
      for (int c = 0; c < window; c++) {
        if (lossSteps[i - c][j] > previousLoss(lossSteps, i - c - 1, j)) {
          increases++;
        }
      }
      boolean oscillating = increases <= window * rho;
      boolean stalled = !reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j];
      halve[j] = oscillating || stalled;
      reducedLastCheck[j] = halve[j];
      lossBestLastCheck[j] = lossBest[j];
    }
    return halve;
  }

  /**
   * The loss before step {@code index + 1}. The reference reads its zero-initialised history with
   * Python's index -1 at the first checkpoint, i.e. the last row, which is still 0 then: the first
   * step counts as an increase when its loss is above 0, not above the start point's. Kept as is so
   * step-size decisions match the reference's.
   */
  private static float previousLoss(float[][] lossSteps, int index, int example) {
    return lossSteps[index >= 0 ? index : index + lossSteps.length][example];
  }

  /** Steepest-ascent direction as the reference normalises it: sign(g), or g / (||g||_2 + 1e-12). */
  private NDArray direction(NDArray grad) {
    if (params.norm() == Norm.LINF) {
      return grad.sign();
    }
    return grad.div(Balls.perExampleL2(grad).add(scalar(grad, 1e-12)));
  }

  /**
   * The reference's projection: Linf clamps to [x - eps, x + eps] then [0, 1]; L2 rescales the
   * perturbation to length min(eps, its length), then clips to [0, 1] (as the reference does, not
   * the exact projection onto the intersection).
   */
  private NDArray project(NDArray point, NDArray x, NDArray lower, NDArray upper, float eps) {
    if (params.norm() == Norm.LINF) {
      return point.maximum(lower).minimum(upper).clip(0f, 1f);
    }
    NDArray delta = point.sub(x);
    NDArray length = Balls.perExampleL2(delta);
    return x.add(delta.div(length.add(scalar(length, 1e-12))).mul(length.minimum(scalar(length, eps)))).clip(0f, 1f);
  }

  /**
   * The reference's random start, drawn per example from (seed, example index): Linf, uniform
   * noise in [-1, 1] divided by its largest magnitude (+1e-12) times eps, so one coordinate sits
   * on the cube's face; L2, a Gaussian vector scaled to length eps (on the sphere).
   */
  private float[] startNoise(NDArray x, int[] exampleIndices, long seed) {
    int perExample = (int) (x.size() / exampleIndices.length);
    float[] noise = new float[(int) x.size()];
    double eps = params.epsilon();
    for (int e = 0; e < exampleIndices.length; e++) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + exampleIndices[e]);
      double[] t = new double[perExample];
      double scale = 0;
      for (int k = 0; k < perExample; k++) {
        if (params.norm() == Norm.LINF) {
          t[k] = random.nextDouble() * 2 - 1;
          scale = Math.max(scale, Math.abs(t[k]));
        } else {
          t[k] = Balls.gaussian(random);
          scale += t[k] * t[k];
        }
      }
      scale = params.norm() == Norm.LINF ? scale : Math.sqrt(scale);
      for (int k = 0; k < perExample; k++) {
        noise[e * perExample + k] = (float) (eps * t[k] / (scale + 1e-12));
      }
    }
    return noise;
  }

  /** Run r's seed: the first run uses the attack's seed, as {@link Restarts} does. */
  private long seedFor(int run) {
    return run == 0 ? params.seed() : params.seed() * 1_000_003L + run;
  }

  private void requireClasses(int classes) {
    int needed = switch (loss) {
      case CE -> 2;
      case DLR -> 3;
      case TARGETED_DLR -> 4;
    };
    if (classes < needed) {
      String why = loss == Loss.DLR ? "the DLR loss divides by z_(1) - z_(3)"
          : loss == Loss.TARGETED_DLR ? "the targeted DLR loss divides by z_(1) - (z_(3) + z_(4)) / 2"
          : "a wrong class must exist";
      throw new IllegalArgumentException(params.method().key() + " needs a model with at least " + needed
          + " classes (" + why + "), but the model has: " + classes
          + (loss == Loss.CE ? "" : "; use apgd-ce for fewer classes"));
    }
  }

  private static void markMisclassified(NDArray logits, long[] labels, boolean[] into) {
    int[] pred = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
    for (int j = 0; j < pred.length; j++) {
      into[j] = pred[j] != labels[j];
    }
  }

  /** dst[to[k]] = src[from[k]] for every k, in place (rows along the first axis). */
  private static void copyRows(NDArray dst, List<Long> to, NDArray src, List<Long> from) {
    if (to.isEmpty()) {
      return;
    }
    NDManager m = dst.getManager();
    try (NDArray toRows = m.create(to.stream().mapToLong(Long::longValue).toArray());
        NDArray fromRows = m.create(from.stream().mapToLong(Long::longValue).toArray());
        NDArray values = src.get(new NDIndex("{}", fromRows))) {
      dst.set(new NDIndex("{}", toRows), values);
    }
  }

  private static int[] indicesWhere(boolean[] flags) {
    int count = 0;
    for (boolean f : flags) {
      count += f ? 1 : 0;
    }
    int[] out = new int[count];
    int k = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i]) {
        out[k++] = i;
      }
    }
    return out;
  }

  private static long[] toLong(int[] a) {
    return Arrays.stream(a).asLongStream().toArray();
  }
}
