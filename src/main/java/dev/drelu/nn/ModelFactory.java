package dev.drelu.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * Builds the DJL block for a {@link ModelSpec}. The block returns logits.
 *
 * <p>Every model ends in the head of the paper's code (Sooksatra &amp; Rivas 2024, METHOD.md section
 * 2): features (flattened for dense and shallow-cnn; global max pooling for the large backbones)
 * -> dropout -> dense(head-units) -> relu / srelu / drelu -> dense(classes).
 */
public final class ModelFactory {
  private ModelFactory() {}

  /**
   * @param spec the network
   * @param input image shape and class count
   * @return an uninitialised block: input N x C x H x W in [0, 1], output N x classes logits
   */
  public static Block build(ModelSpec spec, InputShape input) {
    SequentialBlock net = new SequentialBlock();
    boolean capInHead = spec.placement() == Placement.HEAD;
    switch (spec.architecture()) {
      case DENSE -> {
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(spec.hidden().get(0)).build());
        net.add(Activation.reluBlock());
        net.add(Linear.builder().setUnits(spec.hidden().get(1)).build());
        net.add(Activation.reluBlock());
      }
      case SHALLOW_CNN -> {
        if (!capInHead) {
          net.add(conv(spec.inputConvFilters()));
          net.add(activation(spec, spec.inputConvFilters(), true));
        }
        net.add(conv(spec.hidden().get(0)));
        net.add(Activation.reluBlock());
        net.add(MaxPool2x2.block());
        net.add(conv(spec.hidden().get(1)));
        net.add(Activation.reluBlock());
        net.add(MaxPool2x2.block());
        net.add(Blocks.batchFlattenBlock());
      }
      case RESNET50, RESNET101, MOBILENETV2, INCEPTIONV3 -> {
        if (!capInHead) {
          // the ablation's conv sits right after the input, before any upsampling
          net.add(conv(spec.inputConvFilters()));
          net.add(activation(spec, spec.inputConvFilters(), true));
        }
        net.add(backbone(spec, input));
        net.add(Pool.globalMaxPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
      }
      default -> throw new IllegalArgumentException("unknown architecture " + spec.architecture());
    }
    // The head every model gets: dropout -> dense -> (capped) activation -> dense(classes).
    net.add(new SeededDropout((float) spec.dropout()));
    net.add(Linear.builder().setUnits(spec.headUnits()).build());
    net.add(capInHead ? activation(spec, spec.headUnits(), false) : Activation.reluBlock());
    net.add(Linear.builder().setUnits(input.numClasses()).build());
    return net;
  }

  /**
   * The feature extractor of a large backbone, without pooling or head.
   *
   * @return N x C x H x W images to N x C' x h x w features
   * @throws IllegalArgumentException if the architecture is not a large backbone or the input is
   *     too small for it
   */
  static Block backbone(ModelSpec spec, InputShape input) {
    double w = spec.width();
    double d = spec.depth();
    int h = input.height();
    int iw = input.width();
    return switch (spec.architecture()) {
      case RESNET50 -> ResNet.backbone(ResNet.RESNET50_BLOCKS, w, d, h, iw);
      case RESNET101 -> ResNet.backbone(ResNet.RESNET101_BLOCKS, w, d, h, iw);
      case MOBILENETV2 -> MobileNetV2.backbone(w, d, h, iw);
      case INCEPTIONV3 -> InceptionV3.backbone(w, d, h, iw);
      default -> throw new IllegalArgumentException(
          spec.architecture().key() + " is not a large backbone; it has no separate feature extractor");
    };
  }

  private static Block conv(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  private static Block activation(ModelSpec spec, int units, boolean perChannel) {
    return switch (spec.activation()) {
      case RELU -> Activation.reluBlock();
      case SRELU -> CappedRelu.fixed(units, perChannel, (float) spec.fixedCap());
      case DRELU -> CappedRelu.dynamic(units, perChannel, (float) spec.capInit());
    };
  }
}
