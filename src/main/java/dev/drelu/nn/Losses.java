package dev.drelu.nn;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Losses on logits, shared by the trainers and the attacks. */
public final class Losses {
  private Losses() {}

  /**
   * Softmax cross-entropy per example, computed stably from logits.
   *
   * @param logits N x K
   * @param labels N integer labels (any integer type)
   * @return N losses
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray oneHot = labels.oneHot((int) logits.getShape().get(1));
    return logProbabilities.mul(oneHot).sum(new int[] {1}).neg();
  }

  /**
   * @param logits N x K
   * @param labels N integer labels
   * @return N booleans: the arg-max logit is the label
   */
  public static NDArray correct(NDArray logits, NDArray labels) {
    return logits.argMax(1).toType(labels.getDataType(), false).eq(labels);
  }

  /**
   * The logit margin per example, {@code max_{i != y} z_i - z_y}: positive exactly when the example
   * is misclassified. Unlike cross-entropy it does not saturate once the softmax is confident.
   *
   * @param logits N x K, K &gt;= 2
   * @param labels N integer labels (any integer type)
   * @return N losses
   */
  public static NDArray margin(NDArray logits, NDArray labels) {
    NDArray oneHot = labels.oneHot((int) logits.getShape().get(1));
    NDArray trueLogit = logits.mul(oneHot).sum(new int[] {1});
    // the label's own logit is pushed far below every other before the max
    NDArray bestOther = logits.sub(oneHot.mul(scalar(logits, 1e30f))).max(new int[] {1});
    return bestOther.sub(trueLogit);
  }

  /**
   * The difference-of-logits-ratio loss of Croce &amp; Hein (2020), per example:
   * {@code -(z_y - max_{i != y} z_i) / (z_(1) - z_(3) + 1e-12)}, with z_(k) the k-th largest
   * logit. It is positive exactly when the example is misclassified, and unchanged when the logits
   * are shifted or scaled by a positive factor, so a model cannot hide behind the logits' scale
   * (cross-entropy can saturate, DLR cannot).
   *
   * @param logits N x K, K &gt;= 3
   * @param labels N integer labels (any integer type)
   * @return N losses
   * @throws IllegalArgumentException if there are fewer than 3 classes (there is no z_(3))
   */
  public static NDArray dlr(NDArray logits, NDArray labels) {
    int classes = requireClasses("the DLR loss", logits, 3, "it divides by z_(1) - z_(3)");
    NDArray sorted = logits.sort(1); // ascending: column classes-1 holds z_(1)
    NDArray top = sorted.get(":, {}", classes - 1);
    NDArray second = sorted.get(":, {}", classes - 2);
    NDArray third = sorted.get(":, {}", classes - 3);
    NDArray trueLogit = pick(logits, labels);
    // the best wrong logit is z_(2) when the label holds z_(1), else z_(1) (as the reference writes it)
    NDArray labelOnTop = logits.argMax(1).eq(labels.toType(DataType.INT64, false)).toType(DataType.FLOAT32, false);
    NDArray bestOther = second.mul(labelOnTop).add(top.mul(labelOnTop.neg().add(scalar(logits, 1))));
    return trueLogit.sub(bestOther).div(top.sub(third).add(scalar(logits, 1e-12))).neg();
  }

  /**
   * The targeted DLR loss of Croce &amp; Hein (2020) (APGD-T), per example:
   * {@code -(z_y - z_t) / (z_(1) - (z_(3) + z_(4)) / 2 + 1e-12)}. Maximising it pushes the target
   * logit z_t above the true one; like {@link #dlr} it ignores shifts and positive scalings.
   *
   * @param logits N x K, K &gt;= 4
   * @param labels N true labels
   * @param targets N target labels
   * @return N losses
   * @throws IllegalArgumentException if there are fewer than 4 classes (there is no z_(4))
   */
  public static NDArray targetedDlr(NDArray logits, NDArray labels, NDArray targets) {
    int classes = requireClasses("the targeted DLR loss", logits, 4, "it divides by z_(1) - (z_(3) + z_(4)) / 2");
    NDArray sorted = logits.sort(1);
    NDArray top = sorted.get(":, {}", classes - 1);
    NDArray thirdAndFourth = sorted.get(":, {}", classes - 3).add(sorted.get(":, {}", classes - 4));
    return pick(logits, labels).sub(pick(logits, targets))
        .div(top.sub(thirdAndFourth.mul(scalar(logits, 0.5))).add(scalar(logits, 1e-12))).neg();
  }

  /** @return N values: logits[n, index[n]] */
  private static NDArray pick(NDArray logits, NDArray index) {
    long n = logits.getShape().get(0);
    return logits.gather(index.toType(DataType.INT64, false).reshape(n, 1), 1).reshape(n);
  }

  private static int requireClasses(String what, NDArray logits, int needed, String why) {
    if (logits.getShape().dimension() != 2) {
      throw new IllegalArgumentException(what + " needs N x K logits, but the shape was: " + logits.getShape());
    }
    int classes = (int) logits.getShape().get(1);
    if (classes < needed) {
      throw new IllegalArgumentException(what + " needs at least " + needed + " classes (" + why
          + "), but the logits had: " + classes);
    }
    return classes;
  }
}
