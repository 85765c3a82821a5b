package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import java.util.SplittableRandom;

/**
 * Square Attack (Andriushchenko, Croce, Flammarion &amp; Hein, "Square Attack: a query-efficient
 * black-box adversarial attack via random search", ECCV 2020), untargeted, with the margin loss
 * {@code z_y - max_{i != y} z_i} on logits, following the reference implementation
 * {@code autoattack/square.py} of fra31/auto-attack.
 *
 * <p>Threat model: the Linf or L2 ball of radius eps around the input, intersected with [0, 1]
 * pixel space; score-based black box, so the model is only ever run forward, in evaluation mode,
 * with gradient recording off. It needs no gradient, which is why it is the check on gradient
 * masking (METHOD.md section 10).
 *
 * <p>Algorithm (as the reference): Linf starts from vertical stripes of +-eps (one sign per
 * channel and column); each iteration proposes, per example, a random s x s window moved by
 * +-2 eps per channel (then projected back onto the ball). L2 starts from a grid of
 * "meta-pseudo-gaussian" blocks, and each iteration moves the mass of one window into a fresh
 * such block and empties a second window, keeping the perturbation's norm at eps. A proposal
 * replaces the current point if it lowers the margin or misclassifies. The window side is
 * {@code s = round(sqrt(p * features / channels))} with p from the reference schedule
 * ({@code pInit} halved after 10, 50, 200, 500, 1k, 2k, 4k, 6k, 8k iterations, the iteration
 * rescaled by {@code queries / 10000}).
 *
 * <p>Queries: every forward pass an example takes part in counts as one query for it: the clean
 * evaluation (1), the initialisation (1) and one per iteration while the example is still
 * correctly classified. An example is never queried again once misclassified, and never more
 * than {@code queries} times. (The reference does not count its clean check and runs up to
 * {@code n_queries} iterations after the initialisation, i.e. up to {@code n_queries + 2} forward
 * passes per example; here the budget is a hard bound, so at most {@code queries - 2}
 * iterations run.)
 *
 * <p>Departures from the reference, each for batch-independence: the window positions, signs
 * and the block orientation are drawn per example (as in the paper's original code,
 * max-andr/square-attack, which also draws positions per image) from a stream seeded by
 * (seed, example index), not once per batch from PyTorch's global generator, so a sharded run
 * equals an unsharded one. Windows of the L2 initial grid that do not fit in the image are
 * skipped (the reference only meets that case on images smaller than 25 pixels, where it
 * fails). The window side never exceeds the image's.
 *
 * <p>Kept from the reference although it weakens the attack: a window starts on a row drawn
 * from [0, h - s), never on h - s, so the last row and column keep their initial value (15 of 64
 * pixels on 8 x 8 toys, 55 of 784 on MNIST). {@code all-positions: true} in the spec
 * ({@link SquareParams#allPositions()}) offers the full range as a labelled departure.
 *
 * <p>Result: like the reference, the best point where the example was fooled (margin &lt;= 0),
 * else the clean input. A margin of exactly 0 counts as fooled here, as in the reference; an
 * arg-max that breaks such a tie towards the true class makes the evaluator count the example
 * as robust, so a tie can only understate the attack.
 */
final class Square implements Attack {
  /** Mixed into the per-example seed so Square's stream differs from PGD's random start. */
  private static final long SALT = 0x5C0A2E5EEDL;

  private final SquareParams params;
  /**
   * Let windows start on the last feasible row and column too (a departure: the reference never
   * does, so on an 8 x 8 image 15 of 64 pixels keep their initial value; {@code all-positions:
   * true} in a spec).
   */
  private final boolean allPositions;

  /** The reference's Square Attack, or with {@link SquareParams#allPositions()} the departure. */
  Square(SquareParams params) {
    this.params = params;
    this.allPositions = params.allPositions();
  }

  @Override
  public Result perturb(Classifier model, NDArray x, NDArray y, int[] exampleIndices) {
    Shape shape = x.getShape();
    int n = Balls.checkedBatchSize(x, exampleIndices);
    Run run = new Run(model, x, y.toLongArray(), exampleIndices);
    run.attack();
    return new Result(x.getManager().create(run.result(), shape), run.queries);
  }

  /** The state of one batch: host copies of the images, the best points and their margins. */
  private final class Run {
    private final Classifier model;
    private final NDManager manager;
    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final int d;
    private final float[] clean;
    private final float[] best;
    private final float[] marginMin;
    private final long[] labels;
    private final int[] queries;
    private final SplittableRandom[] random;
    private final int budget = params.queries();
    private final float eps = (float) params.epsilon();

    Run(Classifier model, NDArray x, long[] labels, int[] exampleIndices) {
      this.model = model;
      this.manager = x.getManager();
      this.n = (int) x.getShape().get(0);
      this.c = (int) x.getShape().get(1);
      this.h = (int) x.getShape().get(2);
      this.w = (int) x.getShape().get(3);
      this.d = c * h * w;
      // The search touches a few pixels per example per step at random places: plain arrays on
      // the host; the model's forward passes are the batched tensor work.
      this.clean = x.toFloatArray();
      this.best = clean.clone();
      this.marginMin = new float[n];
      this.labels = labels;
      this.queries = new int[n];
      this.random = new SplittableRandom[n];
      for (int e = 0; e < n; e++) {
        random[e] = new SplittableRandom((params.seed() ^ SALT) * 0x9E3779B97F4A7C15L + exampleIndices[e]);
      }
    }

    void attack() {
      int[] all = new int[n];
      for (int e = 0; e < n; e++) {
        all[e] = e;
      }
      // query 1: the clean input; examples already misclassified are not attacked
      evaluate(all, clean, true);
      int[] active = stillToFool();
      if (active.length == 0 || budget < 2) {
        return;
      }
      // query 2: the initial point
      float[] start = new float[active.length * d];
      for (int k = 0; k < active.length; k++) {
        int e = active[k];
        if (params.norm() == Norm.LINF) {
          initLinf(e, start, k * d);
        } else {
          initL2(e, start, k * d);
        }
      }
      float[] m = evaluate(active, start, false);
      for (int k = 0; k < active.length; k++) {
        // the reference takes the initial point whatever its margin
        System.arraycopy(start, k * d, best, active[k] * d, d);
        marginMin[active[k]] = m[k];
      }
      for (int iteration = 0; ; iteration++) {
        active = stillToFool();
        if (active.length == 0) {
          return;
        }
        double p = pSelection(iteration);
        float[] proposal = new float[active.length * d];
        for (int k = 0; k < active.length; k++) {
          if (params.norm() == Norm.LINF) {
            proposeLinf(active[k], p, proposal, k * d);
          } else {
            proposeL2(active[k], p, proposal, k * d);
          }
        }
        float[] margin = evaluate(active, proposal, false);
        for (int k = 0; k < active.length; k++) {
          int e = active[k];
          // the margin is the loss, so "lower loss" and "lower margin" coincide (margin loss)
          if (margin[k] < marginMin[e] || margin[k] <= 0f) {
            marginMin[e] = margin[k];
            System.arraycopy(proposal, k * d, best, e * d, d);
          }
        }
      }
    }

    /** @return the examples still correctly classified and with budget left */
    private int[] stillToFool() {
      int count = 0;
      int[] out = new int[n];
      for (int e = 0; e < n; e++) {
        if (marginMin[e] > 0f && queries[e] < budget) {
          out[count++] = e;
        }
      }
      return java.util.Arrays.copyOf(out, count);
    }

    /**
     * One batched forward pass over the given examples' candidate images; each counts one query.
     *
     * @param rows the examples
     * @param images their candidates, packed in the order of {@code rows}
     * @param intoMarginMin store the margins as the current best (the clean evaluation)
     * @return the margins, in the order of {@code rows}
     */
    private float[] evaluate(int[] rows, float[] images, boolean intoMarginMin) {
      float[] logits;
      // a sub-manager per pass: the input, the logits and every temporary die with it
      try (NDManager pass = manager.newSubManager(); Autograd off = Autograd.off()) {
        NDArray input = pass.create(images, new Shape(rows.length, c, h, w));
        logits = model.forward(input, false).toFloatArray();
      }
      int classes = logits.length / rows.length;
      float[] margins = new float[rows.length];
      for (int k = 0; k < rows.length; k++) {
        int e = rows[k];
        queries[e]++;
        int label = (int) labels[e];
        float other = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
          if (j != label) {
            other = Math.max(other, logits[k * classes + j]);
          }
        }
        margins[k] = logits[k * classes + label] - other;
        if (intoMarginMin) {
          marginMin[e] = margins[k];
        }
      }
      return margins;
    }

    /** The reference's p schedule; {@code iteration} counts from 0 after the initialisation. */
    private double pSelection(int iteration) {
      // Python's int(it / n_queries * 10000): the same double arithmetic, then truncation
      int it = (int) ((double) iteration / budget * 10000);
      double pInit = params.pInit();
      if (it <= 10) {
        return pInit;
      } else if (it <= 50) {
        return pInit / 2;
      } else if (it <= 200) {
        return pInit / 4;
      } else if (it <= 500) {
        return pInit / 8;
      } else if (it <= 1000) {
        return pInit / 16;
      } else if (it <= 2000) {
        return pInit / 32;
      } else if (it <= 4000) {
        return pInit / 64;
      } else if (it <= 6000) {
        return pInit / 128;
      } else if (it <= 8000) {
        return pInit / 256;
      }
      return pInit / 512;
    }

    /** @return the window side for fraction p, at least {@code min}, at most the image's side */
    private int side(double p, int min) {
      int s = Math.max((int) Math.round(Math.sqrt(p * d / c)), min);
      return Math.min(s, Math.min(h, w));
    }

    /**
     * A window's first row or column, with {@code range = side - s}. The reference's
     * random_int(0, range) is uniform on [0, range) (0 when the range is empty), so the last
     * row and column are never updated after the initialisation; {@code allPositions} draws
     * from [0, range] instead.
     */
    private int position(int e, int range) {
      if (allPositions) {
        return random[e].nextInt(range + 1);
      }
      return range > 0 ? random[e].nextInt(range) : 0;
    }

    private float sign(int e) {
      return random[e].nextBoolean() ? 1f : -1f;
    }

    /** Vertical stripes: x + eps * (one random sign per channel and column), clipped to [0, 1]. */
    private void initLinf(int e, float[] out, int at) {
      for (int ch = 0; ch < c; ch++) {
        for (int col = 0; col < w; col++) {
          float s = sign(e);
          for (int row = 0; row < h; row++) {
            int i = (ch * h + row) * w + col;
            out[at + i] = clip01(clean[e * d + i] + eps * s);
          }
        }
      }
    }

    /** The current best with one s x s window moved by +-2 eps per channel, back in the ball. */
    private void proposeLinf(int e, double p, float[] out, int at) {
      System.arraycopy(best, e * d, out, at, d);
      int s = side(p, 1);
      int vh = position(e, h - s);
      int vw = position(e, w - s);
      for (int ch = 0; ch < c; ch++) {
        float step = 2 * eps * sign(e);
        for (int row = vh; row < vh + s; row++) {
          for (int col = vw; col < vw + s; col++) {
            int i = (ch * h + row) * w + col;
            float xc = clean[e * d + i];
            float v = out[at + i] + step;
            v = Math.min(Math.max(v, xc - eps), xc + eps);
            out[at + i] = clip01(v);
          }
        }
      }
    }

    /** A grid of +-eta(s) blocks (s = h / 5, per-channel signs), scaled to norm eps, clipped. */
    private void initL2(int e, float[] out, int at) {
      double[] delta = new double[d];
      int s = Math.max(h / 5, 1);
      int start = (h - s * 5) / 2;
      for (int bh = 0, vh = start; bh < h / s; bh++, vh += s) {
        for (int bw = 0, vw = start; bw < w / s; bw++, vw += s) {
          if (vh + s > h || vw + s > w) {
            continue;
          }
          double[] block = eta(e, s);
          for (int ch = 0; ch < c; ch++) {
            float sg = sign(e);
            for (int r = 0; r < s; r++) {
              for (int q = 0; q < s; q++) {
                delta[(ch * h + vh + r) * w + vw + q] += block[r * s + q] * sg;
              }
            }
          }
        }
      }
      writeL2(e, delta, out, at);
    }

    /**
     * The reference's L2 step: window 1's mass (per channel) plus a fresh +-eta(s) block is
     * renormalised to carry what window 1 and window 2 held plus the unused budget, window 2
     * is emptied, and the whole perturbation is rescaled to norm eps and clipped to [0, 1].
     */
    private void proposeL2(int e, double p, float[] out, int at) {
      double[] delta = new double[d];
      for (int i = 0; i < d; i++) {
        delta[i] = (double) best[e * d + i] - clean[e * d + i];
      }
      int s = side(p, 3);
      if (s % 2 == 0) {
        s = s + 1 <= Math.min(h, w) ? s + 1 : s - 1;
      }
      int vh = position(e, h - s);
      int vw = position(e, w - s);
      int vh2 = position(e, h - s);
      int vw2 = position(e, w - s);
      double normImage = 0;
      double normWindows = 0;
      double[] normWindow1 = new double[c];
      for (int ch = 0; ch < c; ch++) {
        for (int row = 0; row < h; row++) {
          for (int col = 0; col < w; col++) {
            double v = delta[(ch * h + row) * w + col];
            normImage += v * v;
            boolean in1 = row >= vh && row < vh + s && col >= vw && col < vw + s;
            boolean in2 = row >= vh2 && row < vh2 + s && col >= vw2 && col < vw2 + s;
            if (in1 || in2) {
              normWindows += v * v;
            }
            if (in1) {
              normWindow1[ch] += v * v;
            }
          }
        }
        normWindow1[ch] = Math.sqrt(normWindow1[ch]);
      }
      normImage = Math.sqrt(normImage);
      normWindows = Math.sqrt(normWindows);
      double[] block = eta(e, s);
      double target = Math.sqrt(Math.max((double) eps * eps - normImage * normImage, 0) / c
          + normWindows * normWindows);
      double[] fresh = new double[c * s * s];
      for (int ch = 0; ch < c; ch++) {
        float sg = sign(e);
        double sq = 0;
        for (int r = 0; r < s; r++) {
          for (int q = 0; q < s; q++) {
            double old = delta[(ch * h + vh + r) * w + vw + q] / (1e-12 + normWindow1[ch]);
            double v = block[r * s + q] * sg + old;
            fresh[(ch * s + r) * s + q] = v;
            sq += v * v;
          }
        }
        double scale = target / (1e-12 + Math.sqrt(sq));
        for (int k = 0; k < s * s; k++) {
          fresh[ch * s * s + k] *= scale;
        }
      }
      for (int ch = 0; ch < c; ch++) {
        for (int r = 0; r < s; r++) {
          for (int q = 0; q < s; q++) {
            delta[(ch * h + vh2 + r) * w + vw2 + q] = 0;
          }
        }
      }
      for (int ch = 0; ch < c; ch++) {
        for (int r = 0; r < s; r++) {
          for (int q = 0; q < s; q++) {
            delta[(ch * h + vh + r) * w + vw + q] = fresh[(ch * s + r) * s + q];
          }
        }
      }
      writeL2(e, delta, out, at);
    }

    /** out = clip(x + eps * delta / ||delta||_2, 0, 1): the reference always spends the whole budget. */
    private void writeL2(int e, double[] delta, float[] out, int at) {
      double norm = 0;
      for (double v : delta) {
        norm += v * v;
      }
      double scale = eps / (Math.sqrt(norm) + 1e-12);
      for (int i = 0; i < d; i++) {
        out[at + i] = clip01((float) (clean[e * d + i] + delta[i] * scale));
      }
    }

    /**
     * The reference's "meta-pseudo-gaussian" s x s block: the top half a stack of nested
     * rectangles weighted 1/k^2, the bottom half its negative, unit L2 norm, transposed with
     * probability 1/2.
     */
    private double[] eta(int e, int s) {
      double[] top = etaRectangles(s / 2, s);
      double[] bottom = etaRectangles(s - s / 2, s);
      double[] block = new double[s * s];
      System.arraycopy(top, 0, block, 0, top.length);
      for (int i = 0; i < bottom.length; i++) {
        block[top.length + i] = -bottom[i];
      }
      normalise(block);
      if (random[e].nextDouble() > 0.5) {
        double[] t = new double[s * s];
        for (int r = 0; r < s; r++) {
          for (int q = 0; q < s; q++) {
            t[q * s + r] = block[r * s + q];
          }
        }
        block = t;
      }
      return block;
    }

    private double[] etaRectangles(int rows, int cols) {
      double[] delta = new double[rows * cols];
      int rc = rows / 2 + 1;
      int cc = cols / 2 + 1;
      int r0 = rc - 1;
      int c0 = cc - 1;
      for (int k = 0; k < Math.max(rc, cc); k++, r0--, c0--) {
        double add = 1.0 / ((k + 1) * (k + 1));
        for (int r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, rows); r++) {
          for (int q = Math.max(c0, 0); q < Math.min(c0 + 2 * k + 1, cols); q++) {
            delta[r * cols + q] += add;
          }
        }
      }
      normalise(delta);
      return delta;
    }

    /** @return the fooled examples' best points, the clean input for the others (as the reference) */
    float[] result() {
      float[] out = clean.clone();
      for (int e = 0; e < n; e++) {
        if (marginMin[e] <= 0f && queries[e] > 1) {
          System.arraycopy(best, e * d, out, e * d, d);
        }
      }
      return out;
    }
  }

  private static void normalise(double[] v) {
    double sq = 0;
    for (double a : v) {
      sq += a * a;
    }
    if (sq > 0) {
      double norm = Math.sqrt(sq);
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
  }

  private static float clip01(float v) {
    return Math.min(Math.max(v, 0f), 1f);
  }
}
