package dev.drelu.nn;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import java.util.List;

/**
 * Bottleneck ResNet backbones, ResNet-50 and ResNet-101 (He et al., "Deep Residual Learning for
 * Image Recognition", CVPR 2016), adapted to small images the usual way and ending in features
 * (N x C x h x w); the classifier head is added by {@link ModelFactory}.
 *
 * <p>Layout: stem, then four stages of bottleneck blocks (1x1 reduce, 3x3, 1x1 expand x4, each
 * conv followed by BatchNorm, ReLU after the first two and after the sum) with 64, 128, 256, 512
 * bottleneck channels, stride 1, 2, 2, 2, and blocks 3-4-6-3 (ResNet-50) or 3-4-23-3 (ResNet-101).
 * The stride sits on the 3x3 conv (torchvision's "v1.5"; Keras puts it on the first 1x1, same
 * parameter count). Projection shortcuts (1x1 conv + BatchNorm) where the shape changes.
 *
 * <p>Small-input adaptation, a departure from the ImageNet layout (7x7/2 conv + 3x3/2 max pool):
 * the stem is a 3x3 conv, 64 channels, BatchNorm, ReLU, with no max pool. Its stride is 1 for
 * inputs up to 32 pixels a side (CIFAR: 32x32 -> 4x4 features) and 2 above (TinyImageNet: 64x64
 * -> 32x32 after the stem, so the same feature-map sizes and cost as CIFAR and 4x4 features; the
 * ImageNet stem would leave 2x2).
 *
 * <p>Written here rather than taken from DJL's ResNetV1: that builder always appends its own
 * average pooling and dense classifier and has no width multiplier.
 */
public final class ResNet {
  /** Published blocks per stage. */
  static final List<Integer> RESNET50_BLOCKS = List.of(3, 4, 6, 3);

  static final List<Integer> RESNET101_BLOCKS = List.of(3, 4, 23, 3);

  private static final int[] BOTTLENECK = {64, 128, 256, 512};
  private static final int EXPANSION = 4;

  /** Smallest input side: the backbone downsamples by 8 (16 with the stride-2 stem). */
  static final int MIN_SIDE = 8;

  private ResNet() {}

  /**
   * @param blocks published blocks per stage ({@link #RESNET50_BLOCKS} or {@link #RESNET101_BLOCKS})
   * @param width channel multiplier (1.0 = published)
   * @param depth blocks-per-stage multiplier (1.0 = published)
   * @param height input height
   * @param imageWidth input width
   * @return the backbone: N x C x H x W images to N x (2048 * width) x h x w features
   * @throws IllegalArgumentException if the input is smaller than 8x8
   */
  public static Block backbone(List<Integer> blocks, double width, double depth, int height, int imageWidth) {
    int side = Math.min(height, imageWidth);
    if (side < MIN_SIDE) {
      throw new IllegalArgumentException("resnet needs inputs of at least " + MIN_SIDE + "x" + MIN_SIDE
          + " (it downsamples by 8), but the input was " + height + "x" + imageWidth);
    }
    int stemStride = side > 32 ? 2 : 1;
    SequentialBlock net = new SequentialBlock();
    int stemChannels = Layers.channels(64, width);
    net.add(Layers.conv(stemChannels, 3, stemStride)).add(Layers.batchNorm()).add(Activation.reluBlock());
    int in = stemChannels;
    for (int stage = 0; stage < BOTTLENECK.length; stage++) {
      int mid = Layers.channels(BOTTLENECK[stage], width);
      int out = mid * EXPANSION;
      int count = Layers.blocks(blocks.get(stage), depth);
      for (int b = 0; b < count; b++) {
        int stride = b == 0 && stage > 0 ? 2 : 1;
        net.add(bottleneck(in, mid, out, stride));
        in = out;
      }
    }
    return net;
  }

  private static Block bottleneck(int in, int mid, int out, int stride) {
    SequentialBlock branch = new SequentialBlock()
        .add(Layers.conv(mid, 1, 1)).add(Layers.batchNorm()).add(Activation.reluBlock())
        .add(Layers.conv(mid, 3, stride)).add(Layers.batchNorm()).add(Activation.reluBlock())
        .add(Layers.conv(out, 1, 1)).add(Layers.batchNorm());
    Block shortcut = in == out && stride == 1
        ? Blocks.identityBlock()
        : Layers.convBn(Layers.conv(out, 1, stride));
    return new SequentialBlock().add(Layers.residual(branch, shortcut)).add(Activation.reluBlock());
  }
}
