package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke stand-ins are read back by drelu's own readers of the real formats, with the counts,
 * shapes and labels {@link SmokeData} promises, and hold Fashion-MNIST's images.
 */
@Slow
class SmokeDataTest {
  @TempDir static Path dir;
  static Path out;
  static ImageDataset fashionTrain;

  @BeforeAll
  static void write() throws Exception {
    out = dir.resolve(".drelu").resolve(SmokeData.FOLDER);
    assertTrue(SmokeData.write(Path.of(DatasetPreparer.FASHION_MNIST), out));
    Path f = Path.of(DatasetPreparer.FASHION_MNIST);
    fashionTrain = IdxReader.read(DatasetPreparer.idxFile(f, "train-images-idx3-ubyte"),
        DatasetPreparer.idxFile(f, "train-labels-idx1-ubyte"), 10);
  }

  @Test
  void cifar10ReadsBackWithFashionLabelsAndTintedPixels() throws Exception {
    CifarReader.Parts p = CifarReader.read(out.resolve("cifar-10-batches-bin"), CifarReader.Variant.CIFAR10);
    assertEquals(SmokeData.TRAIN, p.train().size());
    assertEquals(SmokeData.TEST, p.test().size());
    assertEquals(3, p.train().channels());
    for (int i = 0; i < SmokeData.TRAIN; i += 97) {
      assertEquals(fashionTrain.label(i), p.train().label(i), "image " + i);
    }
    // the Fashion-MNIST image sits in the centre: its pixel (14, 14) scaled by the channel's tint
    float[] rgb = new float[p.train().imageSize()];
    p.train().copyImage(0, rgb, 0);
    float[] grey = new float[fashionTrain.imageSize()];
    fashionTrain.copyImage(0, grey, 0);
    int centre = (14 + 2) * 32 + 14 + 2;
    float source = grey[14 * 28 + 14];
    assertTrue(source > 0.2f, "the test needs a bright source pixel, got " + source);
    for (int c = 0; c < 3; c++) {
      float ratio = rgb[c * 1024 + centre] / source;
      assertTrue(ratio >= 0.49f && ratio <= 1.01f, "channel " + c + " tint " + ratio);
    }
    assertNotEquals(rgb[centre], rgb[1024 + centre], "the channels differ (tinted)");
    assertEquals(0f, rgb[0], "the 2-pixel border is black");
  }

  @Test
  void cifar100CarriesFineAndCoarseLabels() throws Exception {
    Path folder = out.resolve("cifar-100-binary");
    CifarReader.Parts fine = CifarReader.read(folder, CifarReader.Variant.CIFAR100_FINE);
    CifarReader.Parts coarse = CifarReader.read(folder, CifarReader.Variant.CIFAR100_COARSE);
    assertEquals(SmokeData.TRAIN, fine.train().size());
    for (int i = 0; i < SmokeData.TRAIN; i += 101) {
      assertEquals(10 * coarse.train().label(i), fine.train().label(i));
      assertEquals(fashionTrain.label(i), coarse.train().label(i));
    }
  }

  @Test
  void tinyImageNetReadsBackAs64PixelJpegs() throws Exception {
    TinyImageNetReader.Parts p = TinyImageNetReader.read(out.resolve("tiny-imagenet-200"));
    assertEquals(SmokeData.TRAIN, p.train().size());
    assertEquals(SmokeData.TEST, p.test().size());
    assertEquals(64, p.train().height());
    assertEquals(SmokeData.TINY_CLASSES, p.train().numClasses());
  }

  @Test
  void generatedSetsAreNumpyUint8ImagesWithLabels() throws Exception {
    ImageDataset cifar = NpzReader.read(out.resolve("edm/cifar10/1m.npz"), 10);
    assertEquals(SmokeData.GENERATED, cifar.size());
    assertEquals(32, cifar.width());
    assertEquals(3, cifar.channels());
    // drawn from the Fashion-MNIST images after the ones the real stand-ins use
    assertEquals(fashionTrain.label(SmokeData.TRAIN), cifar.label(0));
    ImageDataset tiny = NpzReader.read(out.resolve("edm/tiny-imagenet/1m.npz"), 10);
    assertEquals(64, tiny.height());
    ImageDataset c100 = NpzReader.read(out.resolve("edm/cifar100/1m.npz"), 100);
    assertEquals(10 * fashionTrain.label(SmokeData.TRAIN), c100.label(0));
  }

  @Test
  void aSecondWriteKeepsTheTreeAndLeavesNoStaging() throws Exception {
    long before = Files.getLastModifiedTime(out.resolve("cifar-10-batches-bin/test_batch.bin")).toMillis();
    assertFalse(SmokeData.write(Path.of(DatasetPreparer.FASHION_MNIST), out));
    assertEquals(before, Files.getLastModifiedTime(out.resolve("cifar-10-batches-bin/test_batch.bin")).toMillis());
    try (var s = Files.list(out.getParent())) {
      assertEquals(1, s.count(), "only smoke-data in " + out.getParent());
    }
  }

  @Test
  void onlyPathsUnderDotDreluSmokeDataAreStandIns() {
    assertEquals(out, SmokeData.folderOf(out.resolve("cifar-10-batches-bin").toString()));
    assertNull(SmokeData.folderOf(dir.resolve(".drelu/data/cifar-10-batches-bin").toString()));
    assertNull(SmokeData.folderOf(dir.resolve("smoke-data/cifar-10-batches-bin").toString()));
    assertNull(SmokeData.folderOf(null));
  }
}
