package dev.drelu.nn;

import java.io.Serializable;

/** What a model is built for: image shape (channel-first) and number of classes. */
public record InputShape(int channels, int height, int width, int numClasses) implements Serializable {
  public InputShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image shape must be positive, but was: " + channels + "x" + height + "x" + width);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, but was: " + numClasses);
    }
  }
}
