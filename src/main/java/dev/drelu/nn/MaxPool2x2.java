package dev.drelu.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Max pooling over 2 x 2 windows with stride 2 (the Shallow CNN's two pools), computed one of
 * three ways that give the same numbers, forward and backward.
 *
 * <p>libtorch's {@code max_pool2d} sends each window's gradient to the window's first maximum
 * (the last NaN, if any). Its CPU kernel for N x C x H x W tensors is slow: 17.9 ms of an NCHW
 * input-gradient pass's 84 ms for 250 x 32 x 28 x 28 (PyTorch 2.7.1, 2 threads); the channels-last
 * one is fast. So:
 * <ul>
 *   <li>Without gradient recording (the Square attack's queries, clean passes, evaluation), it is
 *       the element-wise maximum of the window's four strided views ({@link #windowMaximum}).
 *   <li>Recording, on an NCHW input on the CPU, it is a {@code gather} at each window's first
 *       maximum, found without recording ({@link #firstMaximum}). Forward, the gather copies the
 *       same element {@code max_pool2d} returns; backward, gather's gradient adds each output's
 *       gradient into zeros at that element, as {@code max_pool2d}'s does: equal bits both ways
 *       ({@code MaxPool2x2Test}). Forward and backward took 11 ms instead of 19 ms for the
 *       first pool, 6.4 instead of 9.6 for the second (the same ops in PyTorch, offsets in int16).
 *   <li>Recording otherwise (channels-last on the CPU, where the kernel is fast; a GPU; a window
 *       holding a NaN, where only the kernel's last-NaN rule is exact) it is {@code max_pool2d}.
 * </ul>
 * A last odd row or column is dropped by all three.
 */
final class MaxPool2x2 extends LambdaBlock {
  /** DJL's name for its max-pool block, which the TorchScript export translates to max_pool2d. */
  static final String NAME = "maxPool2d";

  /** Whether inputs come laid out channels-last ({@link Classifier#setChannelsLast}). */
  private boolean channelsLast;

  private MaxPool2x2() {
    // the lambda serves DJL's shape inference; forwardInternal picks the fast exact path
    super(inputs -> new NDList(pool(inputs.singletonOrThrow(), false)), NAME);
  }

  static MaxPool2x2 block() {
    return new MaxPool2x2();
  }

  /** Tells the pooling how its inputs are laid out, so it runs the kernel that is fast for it. */
  void setChannelsLast(boolean on) {
    channelsLast = on;
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(pool(inputs.singletonOrThrow(), channelsLast));
  }

  /** @param channelsLast whether x is laid out channels-last (only speed depends on it) */
  static NDArray pool(NDArray x, boolean channelsLast) {
    if (!JniUtils.isGradMode()) {
      return windowMaximum(x);
    }
    if (!channelsLast && !x.getDevice().isGpu()) {
      NDArray gathered = firstMaximum(x);
      if (gathered != null) {
        return gathered;
      }
    }
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  /** @return the maximum of each window's four pixels, from four strided views (no copies) */
  static NDArray windowMaximum(NDArray x) {
    return windowMaximum(corners(x));
  }

  private static NDArray windowMaximum(NDArray[] corners) {
    return corners[0].maximum(corners[1]).maximum(corners[2].maximum(corners[3]));
  }

  /**
   * Each window's first maximum in max_pool2d's scan order (top left, top right, bottom left,
   * bottom right), gathered from x so that gradients flow to it alone.
   *
   * @param x N x C x H x W, laid out NCHW (another layout gives the same numbers after a copy)
   * @return N x C x H/2 x W/2, or null if a window holds a NaN (max_pool2d keeps the last NaN)
   */
  static NDArray firstMaximum(NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long channels = s.get(1);
    long height = s.get(2);
    long width = s.get(3);
    long rows = height / 2;
    long columns = width / 2;
    NDArray index;
    try (Autograd off = Autograd.off(); NDScope scope = new NDScope()) {
      NDArray[] corners = corners(x);
      NDArray max = windowMaximum(corners);
      if (max.isNaN().any().getBoolean()) {
        return null;
      }
      // how many corners, in scan order, lie below the maximum before the first that equals it
      NDArray pastFirst = corners[0].neq(max);
      NDArray pastSecond = pastFirst.logicalAnd(corners[1].neq(max));
      NDArray pastThird = pastSecond.logicalAnd(corners[2].neq(max));
      // offsets within the window: 0, 1, width, width + 1 for 0, 1, 2, 3 corners passed
      // (in int32: DJL's PyTorch engine has no int16)
      NDArray second = pastSecond.toType(DataType.INT32, false);
      NDArray offset = pastFirst.toType(DataType.INT32, false).add(pastThird.toType(DataType.INT32, false))
          .add(second.mul(Scalars.scalar(second, width - 1)));
      NDManager m = x.getManager();
      NDArray rowStart = m.arange(0, (int) rows, 1, DataType.INT64);
      NDArray columnStart = m.arange(0, (int) columns, 1, DataType.INT64);
      NDArray windowStart = rowStart.mul(Scalars.scalar(rowStart, 2 * width)).reshape(rows, 1)
          .add(columnStart.mul(Scalars.scalar(columnStart, 2)).reshape(1, columns));
      index = windowStart.add(offset).reshape(n, channels, rows * columns);
      NDScope.unregister(index);
    }
    try {
      return x.reshape(n, channels, height * width).gather(index, 2).reshape(n, channels, rows, columns);
    } finally {
      index.close();
    }
  }

  /**
   * @return the four strided views of x's windows in max_pool2d's scan order: top left, top right,
   *     bottom left, bottom right (a last odd row and column left out)
   */
  private static NDArray[] corners(NDArray x) {
    long rows = x.getShape().get(2) / 2 * 2;
    long columns = x.getShape().get(3) / 2 * 2;
    NDArray[] out = new NDArray[4];
    for (int i = 0; i < 4; i++) {
      out[i] = x.get(":, :, " + i / 2 + ":" + rows + ":2, " + i % 2 + ":" + columns + ":2");
    }
    return out;
  }
}
