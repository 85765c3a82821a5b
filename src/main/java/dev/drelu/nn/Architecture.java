package dev.drelu.nn;

import dev.drelu.core.Keyed;

/**
 * The backbones drelu builds (paper Section 4). Every one ends in the same head (global max
 * pooling for the large backbones, then dropout, the extra dense layer with the capped activation,
 * and the output layer); see {@link ModelFactory}.
 */
public enum Architecture implements Keyed {
  /** Two hidden dense layers with ReLU. */
  DENSE("dense"),
  /** Two 3x3 conv layers (ReLU, 2x2 max pooling each), then flatten. */
  SHALLOW_CNN("shallow-cnn"),
  /** ResNet-50, bottleneck blocks 3-4-6-3 (He et al. 2016), small-input stem; see {@link ResNet}. */
  RESNET50("resnet50"),
  /** ResNet-101, bottleneck blocks 3-4-23-3 (He et al. 2016), small-input stem; see {@link ResNet}. */
  RESNET101("resnet101"),
  /** MobileNetV2, inverted residuals (Sandler et al. 2018), small-input strides; see {@link MobileNetV2}. */
  MOBILENETV2("mobilenetv2"),
  /** InceptionV3 (Szegedy et al. 2016) behind a x3 nearest upsampling, as the authors' code; see {@link InceptionV3}. */
  INCEPTIONV3("inceptionv3");

  private final String key;

  Architecture(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /**
   * @return true for the published CNN backbones, which are sized by width and depth multipliers
   *     and end in global max pooling; false for dense and shallow-cnn, sized by {@code hidden}
   */
  public boolean isLargeBackbone() {
    return this != DENSE && this != SHALLOW_CNN;
  }

  /** @return true for every backbone with convolutions, that is all but dense */
  public boolean isConvolutional() {
    return this != DENSE;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Architecture parse(String key) {
    return Keyed.parse(Architecture.class, "architecture", key);
  }
}
