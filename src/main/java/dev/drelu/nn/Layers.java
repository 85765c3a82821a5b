package dev.drelu.nn;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/** Building blocks and size rules shared by the large backbones. */
final class Layers {
  private Layers() {}

  /**
   * Scales a channel count by a width multiplier and rounds it to a multiple of 8, never below 8
   * and never more than 10% below the exact value (MobileNetV2's {@code _make_divisible}).
   */
  static int channels(int published, double width) {
    double v = published * width;
    int rounded = Math.max(8, (int) (v + 4) / 8 * 8);
    return rounded < 0.9 * v ? rounded + 8 : rounded;
  }

  /** @return {@code ceil(depth * published)}, at least 1; a tiny epsilon keeps 0.5 * 6 at 3 */
  static int blocks(int published, double depth) {
    return Math.max(1, (int) Math.ceil(depth * published - 1e-9));
  }

  /** A bias-free convolution: every conv here is followed by BatchNorm, whose beta is the bias. */
  static Block conv(int filters, int kh, int kw, int stride, int padH, int padW, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kh, kw))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(padH, padW))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  /** A square bias-free convolution with "same" padding for odd kernels at stride 1. */
  static Block conv(int filters, int kernel, int stride) {
    return conv(filters, kernel, kernel, stride, kernel / 2, kernel / 2, 1);
  }

  /**
   * ReLU6, {@code min(max(x, 0), 6)}, with a constant operand that owns its memory. DJL's own
   * {@code Activation.relu6} computes {@code minimum(6, x)} with a Java number, so its backward
   * pass reads the 6 out of a buffer the garbage collector may have freed ({@link Scalars}): the
   * gradients of MobileNetV2 then depended on when the collector ran. Named "ReLU6" like DJL's
   * block, which the TorchScript export translates.
   */
  static Block relu6() {
    return new ai.djl.nn.LambdaBlock(Layers::relu6, "ReLU6");
  }

  static ai.djl.ndarray.NDList relu6(ai.djl.ndarray.NDList in) {
    ai.djl.ndarray.NDArray x = in.singletonOrThrow();
    return new ai.djl.ndarray.NDList(ai.djl.nn.Activation.relu(x).minimum(Scalars.scalar(x, 6)));
  }

  static Block batchNorm() {
    return BatchNorm.builder().build();
  }

  /** conv -> BatchNorm (no activation), e.g. the last conv of a residual branch. */
  static SequentialBlock convBn(Block conv) {
    return new SequentialBlock().add(conv).add(batchNorm());
  }

  /** Sum of two branches: a residual connection. */
  static Block residual(Block branch, Block shortcut) {
    return new ParallelBlock(
        outs -> new NDList(outs.get(0).singletonOrThrow().add(outs.get(1).singletonOrThrow())),
        List.of(branch, shortcut));
  }

  /** Channel-wise concatenation of several branches (Inception modules). */
  static Block concat(List<Block> branches) {
    return new ParallelBlock(
        outs -> {
          NDList all = new NDList(outs.size());
          for (NDList o : outs) {
            all.add(o.singletonOrThrow());
          }
          return new NDList(NDArrays.concat(all, 1));
        },
        branches);
  }

  /**
   * Spatial size after a convolution or pooling window.
   *
   * @return {@code floor((size + 2 pad - kernel) / stride) + 1}
   */
  static int out(int size, int kernel, int stride, int pad) {
    return Math.floorDiv(size + 2 * pad - kernel, stride) + 1;
  }
}
