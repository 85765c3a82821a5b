package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import java.util.function.IntConsumer;

/** Runs one attack over a dataset, batch by batch, and records per-example results. */
public final class RobustEvaluator {
  private RobustEvaluator() {}

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
    Attack attack = params.newAttack();
    int n = data.size();
    int[] rows = Batches.allRows(n);
    int[] cleanPred = new int[n];
    int[] advPred = new int[n];
    double[] linf = new double[n];
    double[] l2 = new double[n];
    int[] zero = new int[n];
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
        copy(logitsWithoutGraph(model, x).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false), cleanPred, from);
        NDArray gradAtClean = InputGradient.crossEntropy(model, x, y, false);
        NDArray gradNonZero = gradAtClean.abs().reshape(to - from, -1).max(new int[] {1}).gt(0f);
        int[] nonZero = gradNonZero.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
        for (int k = 0; k < nonZero.length; k++) {
          zero[from + k] = 1 - nonZero[k];
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
        copy(logitsWithoutGraph(model, adv).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false), advPred, from);
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
    int[] labels = data.labels();
    int[] index = data.indices();
    return new AttackOutcome(params.name(), index, labels, cleanPred, advPred, linf, l2, zero, queries,
        (System.nanoTime() - started) / 1e9);
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
