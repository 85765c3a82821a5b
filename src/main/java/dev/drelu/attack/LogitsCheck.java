package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;

/**
 * Whether a model's "logits" are really probabilities: a softmax inside the network saturates
 * and hides the gradients attacks on logits need (Carlini &amp; Wagner 2017).
 */
public final class LogitsCheck {
  private LogitsCheck() {}

  /** @return the share of inputs whose outputs are all in [0, 1] and sum to 1 (within 1e-3) */
  public static double probabilityLikeShare(Classifier model, ImageDataset data, int batchSize) {
    int[] rows = Batches.allRows(data.size());
    int like = 0;
    for (int from = 0; from < data.size(); from += batchSize) {
      int to = Math.min(data.size(), from + batchSize);
      try (NDManager batch = model.manager().newSubManager(); Autograd off = Autograd.off()) {
        NDArray z = model.forward(Batches.images(batch, data, rows, from, to), false);
        float[] v = z.toFloatArray();
        int k = (int) z.getShape().get(1);
        for (int i = 0; i < to - from; i++) {
          boolean inRange = true;
          double sum = 0;
          for (int j = 0; j < k; j++) {
            float x = v[i * k + j];
            inRange &= x >= 0 && x <= 1;
            sum += x;
          }
          like += inRange && Math.abs(sum - 1) < 1e-3 ? 1 : 0;
        }
      }
    }
    return data.size() == 0 ? 0 : (double) like / data.size();
  }
}
