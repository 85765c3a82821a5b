package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads a tiny TinyImageNet tree of real JPEGs (written with ImageIO) in the distribution's layout:
 * 3 classes, 2 train images each, 3 val images, one of them a greyscale JPEG.
 */
class TinyImageNetReaderTest {
  private static final String[] WNIDS = {"n01443537", "n01629819", "n01641577"};
  // JPEG is lossy: flat colour blocks survive within a few grey levels, so compare with a tolerance
  private static final float JPEG_TOLERANCE = 6 / 255f;

  @TempDir Path dir;

  /** A flat-colour 64x64 RGB image whose colour encodes (class, number). */
  static BufferedImage flat(int r, int g, int b, int side) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
    int rgb = r << 16 | g << 8 | b;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  static BufferedImage grey(int value) {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.getRaster().setSample(x, y, 0, value);
      }
    }
    return img;
  }

  static void jpeg(BufferedImage img, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(img, "jpeg", file.toFile()), "ImageIO has a JPEG writer");
  }

  @BeforeEach
  void tree() throws IOException {
    Files.writeString(dir.resolve("wnids.txt"), String.join("\n", WNIDS) + "\n");
    for (int c = 0; c < WNIDS.length; c++) {
      Path images = dir.resolve("train").resolve(WNIDS[c]).resolve("images");
      // written out of name order: the reader must sort
      jpeg(flat(200, 40 * c, 10, 64), images.resolve(WNIDS[c] + "_1.JPEG"));
      jpeg(flat(20, 40 * c, 240, 64), images.resolve(WNIDS[c] + "_0.JPEG"));
      // the real set has a boxes file beside images/; it is not an image
      Files.writeString(dir.resolve("train").resolve(WNIDS[c]).resolve(WNIDS[c] + "_boxes.txt"),
          WNIDS[c] + "_0.JPEG\t0\t0\t63\t63\n");
    }
    Path val = dir.resolve("val");
    jpeg(flat(0, 255, 0, 64), val.resolve("images/val_0.JPEG"));
    jpeg(grey(100), val.resolve("images/val_1.JPEG"));
    jpeg(flat(255, 255, 255, 64), val.resolve("images/val_2.JPEG"));
    Files.writeString(val.resolve("val_annotations.txt"),
        "val_0.JPEG\tn01629819\t0\t0\t62\t62\n"
            + "val_1.JPEG\tn01443537\t1\t2\t30\t40\n"
            + "val_2.JPEG\tn01641577\t5\t5\t60\t60\n");
  }

  private static float[] image(ImageDataset d, int i) {
    float[] img = new float[d.imageSize()];
    d.copyImage(i, img, 0);
    return img;
  }

  private static void assertFlat(float[] img, int r, int g, int b) {
    int plane = 64 * 64;
    for (int p = 0; p < plane; p += 97) {
      assertEquals(r / 255f, img[p], JPEG_TOLERANCE, "R at " + p);
      assertEquals(g / 255f, img[plane + p], JPEG_TOLERANCE, "G at " + p);
      assertEquals(b / 255f, img[2 * plane + p], JPEG_TOLERANCE, "B at " + p);
    }
  }

  @Test
  void readsTrainByWnidOrderAndFileNameAndValByAnnotations() throws IOException {
    TinyImageNetReader.Parts parts = TinyImageNetReader.read(dir);
    ImageDataset train = parts.train();
    assertEquals(6, train.size());
    assertEquals(3, train.channels());
    assertEquals(64, train.height());
    assertEquals(64, train.width());
    assertEquals(3, train.numClasses());
    assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, train.labels());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, train.indices());
    // _0 (blue-ish) sorts before _1 (red-ish)
    assertFlat(image(train, 2), 20, 40, 240);
    assertFlat(image(train, 3), 200, 40, 10);
    assertFlat(image(train, 5), 200, 80, 10);

    ImageDataset test = parts.test();
    assertEquals(3, test.size());
    assertArrayEquals(new int[] {1, 0, 2}, test.labels());
    assertFlat(image(test, 0), 0, 255, 0);
    assertFlat(image(test, 2), 255, 255, 255);
  }

  @Test
  void greyscaleJpegBecomesRgbWithTheStoredGreyInEveryChannel() throws IOException {
    ImageDataset test = TinyImageNetReader.read(dir).test();
    // 100 stays 100 (a gamma conversion through getRGB would give about 168)
    assertFlat(image(test, 1), 100, 100, 100);
  }

  @Test
  void orderAndContentAreTheSameOnEveryRead() throws IOException {
    TinyImageNetReader.Parts a = TinyImageNetReader.read(dir);
    TinyImageNetReader.Parts b = TinyImageNetReader.read(dir);
    assertArrayEquals(a.train().pixels(), b.train().pixels());
    assertArrayEquals(a.test().pixels(), b.test().pixels());
  }

  @Test
  void sourceFilesListsEveryFileInReadingOrder() throws IOException {
    List<Path> files = TinyImageNetReader.sourceFiles(dir);
    assertEquals(1 + 6 + 1 + 3, files.size());
    assertEquals(dir.resolve("wnids.txt"), files.get(0));
    assertEquals(dir.resolve("train/n01443537/images/n01443537_0.JPEG"), files.get(1));
    assertEquals(dir.resolve("val/val_annotations.txt"), files.get(7));
    assertEquals(dir.resolve("val/images/val_2.JPEG"), files.get(10));
  }

  @Test
  void imageOfTheWrongSizeNamesFileAndSize() throws IOException {
    Path f = dir.resolve("train/n01629819/images/n01629819_1.JPEG");
    jpeg(flat(1, 2, 3, 32), f);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected a 64x64 image, got 32x32"), e.getMessage());
  }

  @Test
  void unreadableJpegIsNamed() throws IOException {
    Path f = dir.resolve("val/images/val_2.JPEG");
    Files.writeString(f, "this is not a JPEG");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("unreadable JPEG"), e.getMessage());
  }

  @Test
  void truncatedJpegIsNamed() throws IOException {
    Path f = dir.resolve("train/n01443537/images/n01443537_0.JPEG");
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(bytes, 20));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("unreadable JPEG"), e.getMessage());
  }

  /**
   * A real JPEG cut in the middle of its scan data: ImageIO decodes it with only a warning, so the
   * missing half would silently become grey pixels. The reader refuses it, naming the file.
   */
  @Test
  void jpegCutInItsScanDataIsRefusedNotFilledIn() throws IOException {
    Path f = dir.resolve("train/n01443537/images/n01443537_0.JPEG");
    BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    java.util.Random r = new java.util.Random(5);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        noisy.setRGB(x, y, r.nextInt(1 << 24)); // noise: the scan data is most of the file
      }
    }
    jpeg(noisy, f);
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(f + ": damaged JPEG: "), e.getMessage());
    assertTrue(e.getMessage().contains("premature end of data segment"), e.getMessage());
    assertTrue(e.getMessage().endsWith(TinyImageNetReader.GET_AGAIN), e.getMessage());
  }

  @Test
  void unknownWnidInAnnotationsIsAnError() throws IOException {
    Path ann = dir.resolve("val/val_annotations.txt");
    Files.writeString(ann, "val_0.JPEG\tn01629819\t0\t0\t62\t62\nval_1.JPEG\tn99999999\t0\t0\t1\t1\n");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(ann.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("unknown wnid on line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("got n99999999"), e.getMessage());
  }

  @Test
  void unknownWnidFolderInTrainIsAnError() throws IOException {
    jpeg(flat(1, 2, 3, 64), dir.resolve("train/n77777777/images/n77777777_0.JPEG"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().contains("unknown wnid"), e.getMessage());
    assertTrue(e.getMessage().contains("got n77777777"), e.getMessage());
  }

  @Test
  void missingAnnotationsAreNamed() throws IOException {
    Files.delete(dir.resolve("val/val_annotations.txt"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().contains("val_annotations.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("tiny-imagenet-200"), e.getMessage());
  }

  @Test
  void valImageWithoutAnnotationIsAnError() throws IOException {
    Files.writeString(dir.resolve("val/val_annotations.txt"),
        "val_0.JPEG\tn01629819\t0\t0\t62\t62\nval_1.JPEG\tn01443537\t1\t2\t30\t40\n");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("val/images/val_2.JPEG").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected an annotation line"), e.getMessage());
  }

  @Test
  void annotatedImageThatDoesNotExistIsNamed() throws IOException {
    Files.delete(dir.resolve("val/images/val_2.JPEG"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().contains("val_2.JPEG"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void missingWnidsAndRepeatedWnidsAreErrors() throws IOException {
    Files.writeString(dir.resolve("wnids.txt"), "n01443537\nn01629819\nn01443537\n", StandardCharsets.UTF_8);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().contains("got n01443537 again on line 3"), e.getMessage());
    Files.delete(dir.resolve("wnids.txt"));
    NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(missing.getMessage().contains("wnids.txt"), missing.getMessage());
  }

  @Test
  void classWithoutImagesFolderIsNamed() throws IOException {
    Files.writeString(dir.resolve("wnids.txt"), String.join("\n", WNIDS) + "\nn02000000\n");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TinyImageNetReader.read(dir));
    assertTrue(e.getMessage().contains("n02000000"), e.getMessage());
  }
}
