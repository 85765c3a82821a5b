package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import java.util.function.IntConsumer;

/** Runs one attack over a dataset, batch by batch, and records per-example results. */
public final class RobustEvaluator {
  private RobustEvaluator() {}

  /**
   * What every attack on a model needs to know of the clean inputs, per example: the model's
   * prediction, and whether the cross-entropy's input gradient is exactly zero there (gradient
   * masking). It does not depend on the attack, so a model's attacks can share one.
   *
   * @param prediction the model's clean prediction
   * @param zeroGradient 1 where the input gradient at the clean input is exactly zero
   */
  public record CleanPass(int[] prediction, int[] zeroGradient) {
    public CleanPass {
      if (prediction.length != zeroGradient.length) {
        throw new IllegalArgumentException("a clean pass holds one prediction and one gradient flag per example, but"
            + " has " + prediction.length + " and " + zeroGradient.length);
      }
    }
  }

  /**
   * @param batchSize examples per batch
   * @param progress told how many examples are done after each batch
   */
  public static AttackOutcome run(
      Classifier model, ImageDataset data, AttackParams params, int batchSize, IntConsumer progress) {
    return run(model, model, data, params, batchSize, progress);
  }

  /**
   * A transfer attack when {@code craftOn} is another model: the perturbations are computed on
   * {@code craftOn} and the verdicts (and the zero-gradient check) are {@code model}'s.
   */
  public static AttackOutcome run(Classifier model, Classifier craftOn, ImageDataset data, AttackParams params,
      int batchSize, IntConsumer progress) {
    return run(model, craftOn, data, params, batchSize, cleanPass(model, data, batchSize), progress);
  }

  /**
   * The same with the clean pass already made ({@link #cleanPass} of {@code model} on {@code data}
   * at the same batch size): what every attack of a model shares is computed once.
   */
  public static AttackOutcome run(Classifier model, Classifier craftOn, ImageDataset data, AttackParams params,
      int batchSize, CleanPass clean, IntConsumer progress) {
    if (clean.prediction().length != data.size()) {
      throw new IllegalArgumentException("the clean pass covers " + clean.prediction().length + " examples, the data "
          + data.size());
    }
    return withInputGradientsOnly(model, craftOn,
        () -> attack(model, craftOn, data, params, batchSize, clean, progress));
  }

  /**
   * The clean predictions and zero-gradient flags of {@code model} on {@code data}, in batches of
   * {@code batchSize} (the attack's, so each example is computed in the batch it is attacked in).
   */
  public static CleanPass cleanPass(Classifier model, ImageDataset data, int batchSize) {
    return withInputGradientsOnly(model, model, () -> {
      int n = data.size();
      int[] rows = Batches.allRows(n);
      int[] prediction = new int[n];
      int[] zero = new int[n];
      for (int from = 0; from < n; from += batchSize) {
        int to = Math.min(n, from + batchSize);
        try (NDManager batch = model.manager().newSubManager()) {
          NDArray x = Batches.images(batch, data, rows, from, to);
          NDArray y = Batches.labels(batch, data, rows, from, to);
          copy(logitsWithoutGraph(model, x).argMax(1).toType(DataType.INT32, false), prediction, from);
          NDArray gradAtClean = InputGradient.crossEntropy(model, x, y, false);
          NDArray gradNonZero = gradAtClean.abs().reshape(to - from, -1).max(new int[] {1}).gt(0f);
          int[] nonZero = gradNonZero.toType(DataType.INT32, false).toIntArray();
          for (int k = 0; k < nonZero.length; k++) {
            zero[from + k] = 1 - nonZero[k];
          }
        }
      }
      return new CleanPass(prediction, zero);
    });
  }

  /**
   * Attacks need input gradients only. A model whose weights still require gradients (one just
   * trained, or loaded) would also get every weight's gradient in each backward pass: an extra
   * matrix product per layer, summed into gradients nobody reads. The input gradients are the same
   * bits either way.
   */
  private static <T> T withInputGradientsOnly(Classifier model, Classifier craftOn, java.util.function.Supplier<T> work) {
    return model.withFrozenParameters(() -> craftOn.withFrozenParameters(work));
  }

  private static AttackOutcome attack(Classifier model, Classifier craftOn, ImageDataset data, AttackParams params,
      int batchSize, CleanPass clean, IntConsumer progress) {
    Attack attack = params.newAttack();
    int n = data.size();
    int[] rows = Batches.allRows(n);
    int[] advPred = new int[n];
    double[] linf = new double[n];
    double[] l2 = new double[n];
    int[] queries = new int[n];
    long started = System.nanoTime();
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      // every tensor of this batch belongs to this manager and is freed with it
      try (NDManager batch = model.manager().newSubManager()) {
        NDArray x = Batches.images(batch, data, rows, from, to);
        NDArray y = Batches.labels(batch, data, rows, from, to);
        int[] indices = new int[to - from];
        for (int k = from; k < to; k++) {
          indices[k - from] = data.index(k);
        }
        Attack.Result result;
        // the paper's protocol: the attack sees softmax(logits) as logits; verdicts stay the model's own
        craftOn.setSoftmaxOutput(params.modelOutput() == ModelOutput.SOFTMAX);
        try {
          result = attack.perturb(craftOn, x, y, indices);
        } finally {
          craftOn.setSoftmaxOutput(false);
        }
        NDArray adv = result.adversarial();
        System.arraycopy(result.queries(), 0, queries, from, to - from);
        copy(logitsWithoutGraph(model, adv).argMax(1).toType(DataType.INT32, false), advPred, from);
        NDArray delta = adv.sub(x).reshape(to - from, -1);
        float[] inf = delta.abs().max(new int[] {1}).toFloatArray();
        float[] two = delta.square().sum(new int[] {1}).sqrt().toFloatArray();
        for (int k = 0; k < inf.length; k++) {
          linf[from + k] = inf[k];
          l2[from + k] = two[k];
        }
      }
      progress.accept(to);
    }
    return new AttackOutcome(params.name(), data.indices(), data.labels(), clean.prediction().clone(), advPred, linf,
        l2, clean.zeroGradient().clone(), queries, (System.nanoTime() - started) / 1e9);
  }

  private static NDArray logitsWithoutGraph(Classifier model, NDArray x) {
    try (Autograd off = Autograd.off()) {
      return model.forward(x, false);
    }
  }

  private static void copy(NDArray values, int[] into, int offset) {
    int[] v = values.toIntArray();
    System.arraycopy(v, 0, into, offset, v.length);
  }
}
