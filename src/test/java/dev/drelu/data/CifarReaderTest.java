package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads CIFAR binary files the test writes record by record in the distribution's layout. */
class CifarReaderTest {
  @TempDir Path dir;

  /** Pixel byte k of the record with the given seed: distinct per record, covers 0..255. */
  static int pixel(int seed, int k) {
    return (seed * 31 + k * 7) & 0xFF;
  }

  /** One record: the label bytes, then R plane, G plane, B plane of 32x32. */
  static byte[] record(int seed, int... labelBytes) {
    byte[] r = new byte[labelBytes.length + CifarReader.PIXEL_BYTES];
    for (int i = 0; i < labelBytes.length; i++) {
      r[i] = (byte) labelBytes[i];
    }
    for (int k = 0; k < CifarReader.PIXEL_BYTES; k++) {
      r[labelBytes.length + k] = (byte) pixel(seed, k);
    }
    return r;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** A CIFAR-10 folder: batch b holds records with seeds 10b, 10b+1 and labels (b + i) % 10. */
  private Path cifar10() throws IOException {
    for (int b = 1; b <= 5; b++) {
      Files.write(dir.resolve("data_batch_" + b + ".bin"),
          concat(record(10 * b, b % 10), record(10 * b + 1, (b + 1) % 10)));
    }
    Files.write(dir.resolve("test_batch.bin"), concat(record(99, 9), record(98, 0), record(97, 3)));
    return dir;
  }

  @Test
  void readsCifar10InBatchOrderWithRunningIndices() throws IOException {
    CifarReader.Parts parts = CifarReader.read(cifar10(), CifarReader.Variant.CIFAR10);
    ImageDataset train = parts.train();
    assertEquals(10, train.size());
    assertEquals(3, train.channels());
    assertEquals(32, train.height());
    assertEquals(32, train.width());
    assertEquals(10, train.numClasses());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, train.indices());
    assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, train.labels());
    // record 5 is the first of data_batch_3 (seed 30); check the plane layout at R(0,0), G(1,2), B(31,31)
    float[] img = new float[train.imageSize()];
    train.copyImage(4, img, 0);
    for (int k = 0; k < CifarReader.PIXEL_BYTES; k++) {
      assertEquals(pixel(30, k) / 255f, img[k], 0f, "pixel byte " + k);
    }
    int green = 1024 + 1 * 32 + 2;
    assertEquals(pixel(30, green) / 255f, img[green], 0f);
    assertEquals(3, parts.test().size());
    assertArrayEquals(new int[] {9, 0, 3}, parts.test().labels());
    assertArrayEquals(new int[] {0, 1, 2}, parts.test().indices());
    float[] all = train.pixels();
    float min = 1;
    float max = 0;
    for (float v : all) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void readsCifar100FineByDefaultAndCoarseOnRequest() throws IOException {
    // coarse label first, fine label second
    Files.write(dir.resolve("train.bin"), concat(record(1, 19, 99), record(2, 0, 42), record(3, 7, 0)));
    Files.write(dir.resolve("test.bin"), record(4, 3, 55));
    CifarReader.Parts fine = CifarReader.read(dir, CifarReader.Variant.CIFAR100_FINE);
    assertEquals(100, fine.train().numClasses());
    assertArrayEquals(new int[] {99, 42, 0}, fine.train().labels());
    assertArrayEquals(new int[] {55}, fine.test().labels());
    float[] img = new float[fine.train().imageSize()];
    fine.train().copyImage(1, img, 0);
    assertEquals(pixel(2, 0) / 255f, img[0], 0f, "pixels start after both label bytes");
    assertEquals(pixel(2, 3071) / 255f, img[3071], 0f);

    CifarReader.Parts coarse = CifarReader.read(dir, CifarReader.Variant.CIFAR100_COARSE);
    assertEquals(20, coarse.train().numClasses());
    assertArrayEquals(new int[] {19, 0, 7}, coarse.train().labels());
    assertArrayEquals(fine.train().pixels(), coarse.train().pixels());
  }

  @Test
  void sizeNotAMultipleOfTheRecordIsAnError() throws IOException {
    cifar10();
    Path bad = Files.write(dir.resolve("data_batch_2.bin"), concat(record(1, 1), new byte[] {1, 2, 3}));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.read(dir, CifarReader.Variant.CIFAR10));
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected a multiple of 3073 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("got 3076"), e.getMessage());
  }

  /**
   * A CIFAR-10 batch in the true format (label byte + 3072 pixel bytes per record) cut in the
   * middle of its third record, as an interrupted copy or extraction leaves it.
   */
  @Test
  void batchCutShortNamesTheFileWhatIsLeftAndWhatToDo() throws IOException {
    cifar10();
    byte[] whole = concat(record(1, 1), record(2, 2), record(3, 3));
    Path cut = Files.write(dir.resolve("data_batch_3.bin"), java.util.Arrays.copyOf(whole, 2 * 3073 + 1000));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.read(dir, CifarReader.Variant.CIFAR10));
    assertEquals(cut + ": expected a multiple of 3073 bytes (CIFAR-10 records of 1 label byte(s) + 3072 pixel"
        + " bytes), got 7146 (2 records and 1000 bytes left over)" + CifarReader.getAgain(CifarReader.Variant.CIFAR10),
        e.getMessage());
    assertTrue(e.getMessage().contains("extract it again from cifar-10-binary.tar.gz"), e.getMessage());
  }

  @Test
  void cifar100FilesReadAsCifar10SaySo() throws IOException {
    // 3073 * 3074 bytes is a multiple of both record sizes; 2 * 3074 is one of CIFAR-100 only
    Path f = Files.write(dir.resolve("x.bin"), concat(record(1, 1, 1), record(2, 2, 2)));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.readFiles(List.of(f), CifarReader.Variant.CIFAR10));
    assertTrue(e.getMessage().contains("got 6148"), e.getMessage());
    assertTrue(e.getMessage().contains("fits CIFAR-100"), e.getMessage());
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    Path f = Files.write(dir.resolve("test_batch.bin"), new byte[0]);
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.readFiles(List.of(f), CifarReader.Variant.CIFAR10));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesFileRecordAndRange() throws IOException {
    Path f = Files.write(dir.resolve("data_batch_1.bin"), concat(record(1, 3), record(2, 10)));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.readFiles(List.of(f), CifarReader.Variant.CIFAR10));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected CIFAR-10 labels in [0, 10), got 10 in record 1"), e.getMessage());

    Path g = Files.write(dir.resolve("train.bin"), concat(record(1, 20, 5)));
    e = assertThrows(DatasetFormatException.class,
        () -> CifarReader.readFiles(List.of(g), CifarReader.Variant.CIFAR100_COARSE));
    assertTrue(e.getMessage().contains("expected CIFAR-100 coarse labels in [0, 20), got 20"), e.getMessage());
    // the same file is fine for the fine label (5)
    assertArrayEquals(new int[] {5}, CifarReader.readFiles(List.of(g), CifarReader.Variant.CIFAR100_FINE).labels());
  }

  @Test
  void missingFilesAreAllNamedWithWhatTheFolderHolds() throws IOException {
    cifar10();
    Files.delete(dir.resolve("data_batch_3.bin"));
    Files.delete(dir.resolve("test_batch.bin"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> CifarReader.sourceFiles(dir, CifarReader.Variant.CIFAR10));
    assertTrue(e.getMessage().contains("missing data_batch_3.bin, test_batch.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("cifar-10-batches-bin"), e.getMessage());
    assertTrue(e.getMessage().contains("data_batch_1.bin, data_batch_2.bin"), e.getMessage());
  }

  @Test
  void parentOfTheDistributionFolderGetsAHint() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("cifar-100-binary"));
    Files.write(sub.resolve("train.bin"), record(1, 1, 1));
    Files.write(sub.resolve("test.bin"), record(1, 1, 1));
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> CifarReader.read(dir, CifarReader.Variant.CIFAR100_FINE));
    assertTrue(e.getMessage().contains("did you mean " + sub), e.getMessage());
  }
}
