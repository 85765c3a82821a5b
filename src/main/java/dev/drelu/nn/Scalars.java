package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constant operands for tensor arithmetic: write {@code x.mul(scalar(x, 0.5))}, never DJL's
 * {@code x.mul(0.5f)}.
 *
 * <p>Why: on the CPU, DJL's {@code NDArray.mul(Number)} (and add, sub, div, pow, maximum,
 * minimum, ...) wraps the number in a tensor that borrows the memory of a Java direct buffer
 * ({@code torch::from_blob}) and closes it as soon as the op returns. Autograd keeps that tensor
 * for the backward pass of mul, div, pow, maximum and minimum, so once the garbage collector has
 * freed the buffer, backward reads whatever now lives at that address. Gradients then depend on
 * when the GC ran: retraining one D-ReLU model gave other weights in 6 of 13 tries under load
 * (its cap penalty is {@code penalty * lambda} and its forward pass {@code maximum(0)}).
 * A scalar made here is allocated by libtorch and owned by the tensor, so it lives as long as
 * anything refers to it. {@code ScalarsTest} shows the difference; {@code NumberOperandsTest}
 * keeps DJL's number operands out of drelu's code.
 */
public final class Scalars {
  private Scalars() {}

  /**
   * @param like the array the constant will meet: it takes its manager (and so its device) and data type
   * @param value the constant
   * @return a 0-dimensional array holding {@code value}, its memory owned by libtorch
   */
  public static NDArray scalar(NDArray like, double value) {
    // the manager's own device: DJL's four-argument full() opens a new sub-manager whenever the
    // device it is given does not equal the manager's by equals(), one per call, never closed
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
  }
}
