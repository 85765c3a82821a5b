package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  // Three 2x3 images whose bytes cover 0 and 255, labels 2, 0, 1.
  private static final byte[] PIXELS = {
    0, 1, 2, 3, 4, 5,
    (byte) 255, (byte) 128, 64, 32, 16, 8,
    9, 10, 11, 12, 13, (byte) 200
  };
  private static final byte[] LABELS = {2, 0, 1};

  /** IDX bytes: big-endian magic, big-endian sizes, then the body. */
  static byte[] idx(int magic, int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path images() throws IOException {
    return write("images-idx3-ubyte", idx(0x803, new int[] {3, 2, 3}, PIXELS));
  }

  private Path labels() throws IOException {
    return write("labels-idx1-ubyte", idx(0x801, new int[] {3}, LABELS));
  }

  @Test
  void readsPlainFiles() throws IOException {
    ImageDataset ds = IdxReader.read(images(), labels(), 10);
    assertEquals(3, ds.size());
    assertEquals(1, ds.channels());
    assertEquals(2, ds.height());
    assertEquals(3, ds.width());
    assertEquals(10, ds.numClasses());
    assertArrayEquals(new int[] {2, 0, 1}, ds.labels());
    assertArrayEquals(new int[] {0, 1, 2}, ds.indices());
    float[] expected = new float[PIXELS.length];
    for (int i = 0; i < PIXELS.length; i++) {
      expected[i] = (PIXELS[i] & 0xFF) / 255f;
    }
    assertArrayEquals(expected, ds.pixels());
    assertEquals(1f, ds.pixels()[6]);
    assertEquals(0f, ds.pixels()[0]);
  }

  @Test
  void gzippedFilesGiveTheSameDatasetWhateverTheirName() throws IOException {
    ImageDataset plain = IdxReader.read(images(), labels(), 10);
    // Names without ".gz": detection must use the magic bytes.
    Path gzImages = write("images.bin", gzip(idx(0x803, new int[] {3, 2, 3}, PIXELS)));
    Path gzLabels = write("labels.gz", gzip(idx(0x801, new int[] {3}, LABELS)));
    ImageDataset gz = IdxReader.read(gzImages, gzLabels, 10);
    assertArrayEquals(plain.pixels(), gz.pixels());
    assertArrayEquals(plain.labels(), gz.labels());
    assertArrayEquals(plain.indices(), gz.indices());
    // Mixed: gzipped images, plain labels.
    assertArrayEquals(plain.pixels(), IdxReader.read(gzImages, labels(), 10).pixels());
  }

  @Test
  void readsAFullSizeMnistShapedFile() throws IOException {
    // 60000 x 28 x 28 like MNIST's training set, gzipped: exercises the buffered bulk path.
    int n = 60000;
    byte[] body = new byte[n * 28 * 28];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    Path img = write("train-images", gzip(idx(0x803, new int[] {n, 28, 28}, body)));
    Path lab = write("train-labels", idx(0x801, new int[] {n}, labels));
    ImageDataset ds = IdxReader.read(img, lab, 10);
    assertEquals(n, ds.size());
    assertEquals(28, ds.height());
    assertEquals(59999, ds.index(n - 1));
    assertEquals(9, ds.label(n - 1));
    float[] last = new float[784];
    ds.copyImage(n - 1, last, 0);
    assertEquals((body[body.length - 1] & 0xFF) / 255f, last[783]);
  }

  @Test
  void wrongMagicNamesFileExpectedAndGot() throws IOException {
    Path bad = write("zeros", idx(0, new int[] {3, 2, 3}, PIXELS));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(bad, labels(), 10));
    assertEquals(
        bad + ": expected magic 0x00000803 (IDX unsigned-byte images), got 0x00000000", e.getMessage());
  }

  @Test
  void swappedFilesGetAHint() throws IOException {
    Path img = images();
    Path lab = labels();
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(lab, img, 10));
    assertTrue(e.getMessage().startsWith(lab + ": expected magic 0x00000803"), e.getMessage());
    assertTrue(e.getMessage().contains("got 0x00000801 (1 dimensions)"), e.getMessage());
    assertTrue(e.getMessage().contains("swapped"), e.getMessage());
  }

  @Test
  void wrongDimensionCount() throws IOException {
    Path bad = write("two-dims", idx(0x802, new int[] {3, 6}, PIXELS));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(bad, labels(), 10));
    assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
    assertTrue(
        e.getMessage().contains("expected magic 0x00000803 (IDX unsigned-byte images, 3 dimensions), got 0x00000802 (2 dimensions)"),
        e.getMessage());
  }

  @Test
  void zeroAndNegativeSizes() throws IOException {
    Path zero = write("zero-rows", idx(0x803, new int[] {3, 0, 3}, new byte[0]));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(zero, labels(), 10));
    assertTrue(e.getMessage().startsWith(zero + ": expected positive dimension sizes, got 0 for dimension 1"), e.getMessage());

    Path huge = write("huge-count", idx(0x803, new int[] {-5, 2, 3}, PIXELS));
    e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(huge, labels(), 10));
    assertTrue(e.getMessage().contains("got 4294967291 for dimension 0"), e.getMessage());

    Path noLabels = write("no-labels", idx(0x801, new int[] {0}, new byte[0]));
    e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(images(), noLabels, 10));
    assertTrue(e.getMessage().startsWith(noLabels + ": expected positive dimension sizes, got 0"), e.getMessage());
  }

  @Test
  void truncatedBodySaysHowMuchWasExpectedAndFound() throws IOException {
    Path bad = write("short", idx(0x803, new int[] {60000, 28, 28}, new byte[1234]));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(bad, labels(), 10));
    assertEquals(
        bad + ": truncated: header says 60000 images of 28x28 = 47040000 bytes, file holds 1234"
            + IdxReader.GET_AGAIN,
        e.getMessage());
  }

  @Test
  void truncatedHeader() throws IOException {
    Path empty = write("empty", new byte[0]);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(empty, labels(), 10));
    assertTrue(e.getMessage().startsWith(empty + ": truncated: expected a 4-byte magic number 0x00000803"), e.getMessage());
    assertTrue(e.getMessage().endsWith("file holds 0 bytes" + IdxReader.GET_AGAIN), e.getMessage());

    Path halfHeader = write("half-header", Arrays.copyOf(idx(0x803, new int[] {3, 2, 3}, PIXELS), 9));
    e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(halfHeader, labels(), 10));
    assertTrue(e.getMessage().contains("expected 3 dimension sizes (12 header bytes)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("file holds 5" + IdxReader.GET_AGAIN), e.getMessage());
  }

  @Test
  void trailingGarbage() throws IOException {
    byte[] body = Arrays.copyOf(LABELS, 5);
    Path bad = write("long-labels", idx(0x801, new int[] {3}, body));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(images(), bad, 10));
    assertEquals(
        bad + ": trailing garbage: header says 3 labels of 1 byte = 3 bytes, file holds 5",
        e.getMessage());
  }

  @Test
  void countMismatch() throws IOException {
    Path img = images();
    Path bad = write("two-labels", idx(0x801, new int[] {2}, new byte[] {1, 1}));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(img, bad, 10));
    assertEquals(
        bad + ": expected 3 labels (one per image in " + img + "), got 2", e.getMessage());
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path bad = write("label-12", idx(0x801, new int[] {3}, new byte[] {1, 12, 1}));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(images(), bad, 10));
    assertEquals(bad + ": expected labels in [0, 10), got 12 at position 1", e.getMessage());
  }

  @Test
  void brokenGzipStreamIsWrappedWithTheFileName() throws IOException {
    byte[] gz = gzip(idx(0x803, new int[] {3, 2, 3}, PIXELS));
    Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(cut, labels(), 10));
    assertTrue(e.getMessage().startsWith(cut + ": broken gzip stream: "), e.getMessage());

    byte[] corrupt = gz.clone();
    // Flip bits in the deflate data and the CRC: the stream must not be silently accepted.
    for (int i = 12; i < corrupt.length; i++) {
      corrupt[i] ^= 0x5A;
    }
    Path bad = write("corrupt.gz", corrupt);
    e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(bad, labels(), 10));
    assertTrue(e.getMessage().startsWith(bad + ": broken gzip stream: "), e.getMessage());
    assertInstanceOf(ZipException.class, e.getCause());
  }

  /**
   * The real Fashion-MNIST test images, gzipped as the Debian package ships them, cut in the
   * middle of the deflate stream: the message names the file, says the gzip stream is broken and
   * how to get the file again (it used to surface as a bare "Unexpected end of ZLIB input stream").
   */
  @Test
  void truncatedRealFashionMnistGzipNamesTheFileTheProblemAndWhatToDo() throws IOException {
    Path real = Path.of(DatasetPreparer.FASHION_MNIST, "t10k-images-idx3-ubyte.gz");
    if (!Files.isRegularFile(real)) {
      org.junit.jupiter.api.Assertions.fail(real + " does not exist: apt-get install -y dataset-fashion-mnist"
          + " (ci/test.sh does)");
    }
    byte[] gz = Files.readAllBytes(real);
    Path cut = write("t10k-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    Path labels = write("t10k-labels-idx1-ubyte.gz",
        Files.readAllBytes(Path.of(DatasetPreparer.FASHION_MNIST, "t10k-labels-idx1-ubyte.gz")));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(cut, labels, 10));
    assertEquals(cut + ": broken gzip stream: Unexpected end of ZLIB input stream" + IdxReader.GET_AGAIN,
        e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install --reinstall dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void missingFileIsNoSuchFile() {
    assertThrows(
        NoSuchFileException.class, () -> IdxReader.read(dir.resolve("nope"), labels(), 10));
  }

  @Test
  void numClassesIsChecked() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images(), labels(), 1));
    assertTrue(e.getMessage().contains("numClasses"), e.getMessage());
  }
}
