package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches PyTorch's gradient recording on or off for the current thread, and runs backward.
 *
 * <p>Why not DJL's GradientCollector: it keeps a process-wide flag, so two models training on
 * two Beam worker threads at once fail with "A PtGradientCollector is already collecting".
 * PyTorch's grad mode itself is per thread, which is what drelu needs. Worker threads start
 * with recording on, so code that updates parameters in place or only evaluates opens an
 * {@link #off()} scope explicitly.
 */
public final class Autograd implements AutoCloseable {
  private final boolean previous;

  private Autograd(boolean enabled) {
    this.previous = JniUtils.isGradMode();
    JniUtils.setGradMode(enabled);
  }

  /** @return a scope in which operations are recorded for {@link #backward} */
  public static Autograd record() {
    return new Autograd(true);
  }

  /** @return a scope in which nothing is recorded (parameter updates, evaluation) */
  public static Autograd off() {
    return new Autograd(false);
  }

  /**
   * Computes gradients of a scalar; they accumulate into every leaf that requires them.
   *
   * @param scalar the loss
   */
  public void backward(NDArray scalar) {
    try (NDArray seed = scalar.onesLike()) {
      JniUtils.backward((PtNDArray) scalar, (PtNDArray) seed, false, false);
    }
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
