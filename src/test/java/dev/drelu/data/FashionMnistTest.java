package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the real Fashion-MNIST of the Debian package dataset-fashion-mnist (ci/test.sh installs
 * it). Missing files fail the test with the install command rather than skip it, so CI cannot pass
 * without having read the real data.
 */
class FashionMnistTest {
  private static final Path FOLDER = Path.of(DatasetPreparer.FASHION_MNIST);

  @TempDir Path dir;

  @BeforeAll
  static void packageIsInstalled() {
    if (!Files.isDirectory(FOLDER)) {
      fail(FOLDER + " does not exist: install the Debian package with `apt-get update && apt-get install -y "
          + "dataset-fashion-mnist` (ci/test.sh does this)");
    }
  }

  @Test
  void debianPackageShipsTheFourGzippedIdxFilesThePreparerFinds() throws Exception {
    DatasetParams p = new DatasetParams("fashion-mnist", DatasetParams.Source.IDX, null, 10, 0.2, 0.2, 7, 0, 0);
    List<Path> files = DatasetPreparer.sourceFiles(p);
    assertEquals(List.of(
        FOLDER.resolve("train-images-idx3-ubyte.gz"), FOLDER.resolve("train-labels-idx1-ubyte.gz"),
        FOLDER.resolve("t10k-images-idx3-ubyte.gz"), FOLDER.resolve("t10k-labels-idx1-ubyte.gz")), files);
  }

  @Test
  void readsAllSeventyThousandImagesWithBalancedClasses() throws Exception {
    ImageDataset train = IdxReader.read(FOLDER.resolve("train-images-idx3-ubyte.gz"),
        FOLDER.resolve("train-labels-idx1-ubyte.gz"), 10);
    ImageDataset test = IdxReader.read(FOLDER.resolve("t10k-images-idx3-ubyte.gz"),
        FOLDER.resolve("t10k-labels-idx1-ubyte.gz"), 10);
    assertEquals(60_000, train.size());
    assertEquals(10_000, test.size());
    assertEquals(1, train.channels());
    assertEquals(28, train.height());
    assertEquals(28, train.width());
    // Fashion-MNIST is balanced: 6,000 train and 1,000 test images per class
    assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, perClass(train));
    assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass(test));
    // the first training label of the published set is 9 (ankle boot), the first test label 9 too
    assertEquals(9, train.label(0));
    assertEquals(9, test.label(0));
  }

  @Test
  void shippedParamsFileLoadsAndPointsAtThePackage() throws Exception {
    Path params = Path.of("params/datasets/fashion-mnist.yaml").toAbsolutePath();
    Path spec = Files.writeString(dir.resolve("p.yaml"),
        "dataset: " + params + "\nmodels:\n  - architecture: dense\n");
    PipelineSpec s = SpecLoader.load(spec);
    DatasetParams d = s.dataset();
    assertEquals("fashion-mnist", d.name());
    assertEquals(DatasetParams.Source.IDX, d.source());
    assertEquals(FOLDER.toString(), d.path());
    assertEquals(10, d.numClasses());
    assertEquals(0.2, d.validationFraction());
    DatasetSplits data = DatasetPreparer.prepare(d.withGenerated(null));
    assertEquals(48_000, data.train().size());
    assertEquals(12_000, data.validation().size());
    assertEquals(10_000, data.test().size());
    assertTrue(DatasetPreparer.fingerprint(d).matches("[0-9a-f]{64}"));
  }

  private static int[] perClass(ImageDataset d) {
    int[] counts = new int[d.numClasses()];
    for (int label : d.labels()) {
      counts[label]++;
    }
    return counts;
  }
}
