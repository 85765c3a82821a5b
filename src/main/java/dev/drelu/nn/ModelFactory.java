package dev.drelu.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/** Builds the DJL block for a {@link ModelSpec}. The block returns logits. */
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
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        net.add(conv(spec.hidden().get(1)));
        net.add(Activation.reluBlock());
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
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
