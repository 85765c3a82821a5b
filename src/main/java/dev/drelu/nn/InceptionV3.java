package dev.drelu.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * InceptionV3 backbone (Szegedy et al., "Rethinking the Inception Architecture for Computer
 * Vision", CVPR 2016) behind a x3 nearest-neighbour upsampling, ending in features
 * (N x 2048 x h x w); the head is added by {@link ModelFactory}.
 *
 * <p>The paper's code (github kornsook/dynamic_max_relu) feeds {@code UpSampling2D(size=(3, 3))}
 * output (Keras' default interpolation: nearest) to Keras' InceptionV3, so 32x32 CIFAR images run
 * at 96x96 and 64x64 TinyImageNet images at 192x192. The upsampling is part of this network
 * ({@link NearestUpsampling}), so attacks still work on the original pixels.
 *
 * <p>Layout: exactly Keras' {@code keras.applications.InceptionV3} without its top: stem (3x3/2
 * valid 32, 3x3 valid 32, 3x3 same 64, 3x3/2 max pool, 1x1 80, 3x3 valid 192, 3x3/2 max pool),
 * three Inception-A modules (mixed0-2), reduction (mixed3), four 7x7-factorised modules with 128,
 * 160, 160, 192 inner channels (mixed4-7), reduction (mixed8), two expanded-filter-bank modules
 * (mixed9-10). Every conv is bias-free and followed by BatchNorm without scale (Keras'
 * {@code scale=False}; epsilon 1e-3) and ReLU. Branch average pools exclude the padding, as Keras'
 * "same" average pooling does. No stride or padding had to change: the valid-padding stem runs on
 * any input of at least 75x75 (Keras' own minimum), so 96x96 ends in 1x1 features and 192x192 in
 * 4x4. Departures: none in the layout; BatchNorm momentum is DJL's default, not Keras' 0.99.
 *
 * <p>The width multiplier scales every conv's filters (rounded to multiples of 8); the depth
 * multiplier scales the number of modules in each of the three groups (3, 4, 2).
 */
public final class InceptionV3 {
  /** The paper's code upsamples by this factor before the backbone. */
  public static final int UPSAMPLING = 3;

  /** Smallest side the ImageNet layout accepts (after upsampling). */
  static final int MIN_UPSAMPLED_SIDE = 75;

  private static final int[] C7 = {128, 160, 160, 192};

  private final double width;

  private InceptionV3(double width) {
    this.width = width;
  }

  /**
   * @param width channel multiplier (1.0 = published)
   * @param depth multiplier on the number of modules per group (1.0 = published)
   * @param height input height before the x3 upsampling
   * @param imageWidth input width before the x3 upsampling
   * @return upsampling + backbone: N x C x H x W images to N x (2048 * width) x h x w features
   * @throws IllegalArgumentException if the upsampled input is smaller than 75x75
   */
  public static Block backbone(double width, double depth, int height, int imageWidth) {
    int side = Math.min(height, imageWidth) * UPSAMPLING;
    if (side < MIN_UPSAMPLED_SIDE) {
      throw new IllegalArgumentException("inceptionv3 needs inputs of at least 25x25 (75x75 after its x3"
          + " upsampling, the smallest the InceptionV3 layout accepts), but the input was " + height + "x"
          + imageWidth);
    }
    InceptionV3 b = new InceptionV3(width);
    SequentialBlock net = new SequentialBlock();
    net.add(new NearestUpsampling(UPSAMPLING));
    net.add(b.convBn(32, 3, 3, 2, false)).add(b.convBn(32, 3, 3, 1, false)).add(b.convBn(64, 3, 3, 1, true));
    net.add(maxPool());
    net.add(b.convBn(80, 1, 1, 1, false)).add(b.convBn(192, 3, 3, 1, false));
    net.add(maxPool());
    int modulesA = Layers.blocks(3, depth);
    for (int i = 0; i < modulesA; i++) {
      net.add(b.moduleA(i == 0 ? 32 : 64));
    }
    net.add(b.reductionA());
    int modulesC = Layers.blocks(4, depth);
    for (int i = 0; i < modulesC; i++) {
      net.add(b.moduleC(C7[Math.min(i, C7.length - 1)]));
    }
    net.add(b.reductionB());
    int modulesE = Layers.blocks(2, depth);
    for (int i = 0; i < modulesE; i++) {
      net.add(b.moduleE());
    }
    return net;
  }

  /** Keras' conv2d_bn: bias-free conv, BatchNorm without scale, ReLU; "same" or "valid" padding. */
  private SequentialBlock convBn(int filters, int kh, int kw, int stride, boolean same) {
    Block conv = Conv2d.builder()
        .setFilters(Layers.channels(filters, width))
        .setKernelShape(new Shape(kh, kw))
        .optStride(new Shape(stride, stride))
        .optPadding(same ? new Shape(kh / 2, kw / 2) : new Shape(0, 0))
        .optBias(false)
        .build();
    return new SequentialBlock()
        .add(conv)
        .add(BatchNorm.builder().optScale(false).optEpsilon(1e-3f).build())
        .add(Activation.reluBlock());
  }

  private SequentialBlock same(int filters, int kh, int kw) {
    return convBn(filters, kh, kw, 1, true);
  }

  private static Block maxPool() {
    return Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2));
  }

  /** Keras' AveragePooling2D((3, 3), strides=1, padding="same"): the padding is not counted. */
  private static Block avgPoolSame() {
    return Pool.avgPool2dBlock(new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false, false);
  }

  private static SequentialBlock seq(Block... blocks) {
    SequentialBlock s = new SequentialBlock();
    for (Block b : blocks) {
      s.add(b);
    }
    return s;
  }

  /** mixed0-2 (35x35 at 299): 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1. */
  private Block moduleA(int poolFilters) {
    return Layers.concat(List.of(
        same(64, 1, 1),
        seq(same(48, 1, 1), same(64, 5, 5)),
        seq(same(64, 1, 1), same(96, 3, 3), same(96, 3, 3)),
        seq(avgPoolSame(), same(poolFilters, 1, 1))));
  }

  /** mixed3: 3x3/2 | 1x1-3x3-3x3/2 | maxpool/2. */
  private Block reductionA() {
    return Layers.concat(List.of(
        convBn(384, 3, 3, 2, false),
        seq(same(64, 1, 1), same(96, 3, 3), convBn(96, 3, 3, 2, false)),
        maxPool()));
  }

  /** mixed4-7 (17x17 at 299): 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | avgpool-1x1. */
  private Block moduleC(int c7) {
    return Layers.concat(List.of(
        same(192, 1, 1),
        seq(same(c7, 1, 1), same(c7, 1, 7), same(192, 7, 1)),
        seq(same(c7, 1, 1), same(c7, 7, 1), same(c7, 1, 7), same(c7, 7, 1), same(192, 1, 7)),
        seq(avgPoolSame(), same(192, 1, 1))));
  }

  /** mixed8: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2. */
  private Block reductionB() {
    return Layers.concat(List.of(
        seq(same(192, 1, 1), convBn(320, 3, 3, 2, false)),
        seq(same(192, 1, 1), same(192, 1, 7), same(192, 7, 1), convBn(192, 3, 3, 2, false)),
        maxPool()));
  }

  /** mixed9-10 (8x8 at 299): 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | avgpool-1x1. */
  private Block moduleE() {
    List<Block> branches = new ArrayList<>();
    branches.add(same(320, 1, 1));
    branches.add(seq(same(384, 1, 1), Layers.concat(List.of(same(384, 1, 3), same(384, 3, 1)))));
    branches.add(seq(same(448, 1, 1), same(384, 3, 3),
        Layers.concat(List.of(same(384, 1, 3), same(384, 3, 1)))));
    branches.add(seq(avgPoolSame(), same(192, 1, 1)));
    return Layers.concat(branches);
  }
}
