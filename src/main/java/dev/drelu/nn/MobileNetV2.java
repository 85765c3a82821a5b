package dev.drelu.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;

/**
 * MobileNetV2 backbone (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
 * CVPR 2018), ending in features (N x 1280 x h x w); the head is added by {@link ModelFactory}.
 *
 * <p>Layout as published: 3x3 conv (32), then inverted-residual groups (expansion t, channels c,
 * repeats n, stride s) = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1) (6,160,3,2)
 * (6,320,1,1), then a 1x1 conv to 1280. Each block: 1x1 expand (if t &gt; 1) -> 3x3 depthwise ->
 * 1x1 linear projection, BatchNorm after every conv, ReLU6 after the first two; a residual sum when
 * stride is 1 and the channels match. The width multiplier scales every channel count (rounded to
 * multiples of 8) except the last 1280, which, as in Keras and the paper, only grows for width &gt; 1.
 * The depth multiplier scales the repeats n.
 *
 * <p>Small-input adaptation, a departure from the ImageNet layout (total stride 32, which would
 * leave 1x1 features at 32x32): the second group (24 channels) keeps stride 1 (as in the common
 * CIFAR adaptation), and the stem has stride 1 for inputs up to 32 pixels a side, 2 above. So
 * 32x32 and 64x64 inputs both end in 4x4 features.
 *
 * <p>Written here rather than taken from DJL's MobileNetV2: that builder has no headless mode and
 * fixes the ImageNet strides.
 */
public final class MobileNetV2 {
  /** {t, c, n, s} per group, as in Table 2 of the paper. */
  private static final int[][] GROUPS = {
    {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}
  };

  private static final int LAST = 1280;

  /** Smallest input side: the backbone downsamples by 8 (16 with the stride-2 stem). */
  static final int MIN_SIDE = 8;

  private MobileNetV2() {}

  /**
   * @param width channel multiplier (1.0 = published)
   * @param depth multiplier on each group's repeats (1.0 = published)
   * @param height input height
   * @param imageWidth input width
   * @return the backbone: N x C x H x W images to N x 1280 x h x w features
   * @throws IllegalArgumentException if the input is smaller than 8x8
   */
  public static Block backbone(double width, double depth, int height, int imageWidth) {
    int side = Math.min(height, imageWidth);
    if (side < MIN_SIDE) {
      throw new IllegalArgumentException("mobilenetv2 needs inputs of at least " + MIN_SIDE + "x" + MIN_SIDE
          + " (it downsamples by 8), but the input was " + height + "x" + imageWidth);
    }
    SequentialBlock net = new SequentialBlock();
    int in = Layers.channels(32, width);
    net.add(Layers.conv(in, 3, side > 32 ? 2 : 1)).add(Layers.batchNorm()).add(Layers.relu6());
    for (int g = 0; g < GROUPS.length; g++) {
      int t = GROUPS[g][0];
      int out = Layers.channels(GROUPS[g][1], width);
      int repeats = Layers.blocks(GROUPS[g][2], depth);
      int stride = g == 1 ? 1 : GROUPS[g][3]; // the small-input adaptation, see the class comment
      for (int r = 0; r < repeats; r++) {
        net.add(invertedResidual(in, out, t, r == 0 ? stride : 1));
        in = out;
      }
    }
    int last = width > 1 ? Layers.channels(LAST, width) : LAST;
    net.add(Layers.conv(last, 1, 1)).add(Layers.batchNorm()).add(Layers.relu6());
    return net;
  }

  private static Block invertedResidual(int in, int out, int expansion, int stride) {
    int hidden = in * expansion;
    SequentialBlock branch = new SequentialBlock();
    if (expansion != 1) {
      branch.add(Layers.conv(hidden, 1, 1)).add(Layers.batchNorm()).add(Layers.relu6());
    }
    branch.add(Layers.conv(hidden, 3, 3, stride, 1, 1, hidden)).add(Layers.batchNorm()).add(Layers.relu6());
    branch.add(Layers.conv(out, 1, 1)).add(Layers.batchNorm()); // linear bottleneck: no activation
    if (stride == 1 && in == out) {
      return Layers.residual(branch, Blocks.identityBlock());
    }
    return branch;
  }
}
