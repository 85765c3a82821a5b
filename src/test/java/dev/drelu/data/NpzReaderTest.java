package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads .npz files: ones this test writes byte by byte in the .npy format (stored and deflated zip
 * members), and two that numpy 2.4 itself wrote ({@code np.savez} and {@code np.savez_compressed}),
 * kept in test resources.
 */
class NpzReaderTest {
  @TempDir Path dir;

  // 3 images of 2x2x3 (N, H, W, C); the byte at (n, y, x, c) is value(n, y, x, c)
  private static final int N = 3;
  private static final int H = 2;
  private static final int W = 2;
  private static final int C = 3;

  static int value(int n, int y, int x, int c) {
    return (n * 97 + y * 41 + x * 13 + c * 5 + (n == 1 && y == 1 && x == 1 && c == 2 ? 255 : 0)) % 256;
  }

  static byte[] imageBody() {
    byte[] b = new byte[N * H * W * C];
    int k = 0;
    for (int n = 0; n < N; n++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          for (int c = 0; c < C; c++) {
            b[k++] = (byte) value(n, y, x, c);
          }
        }
      }
    }
    return b;
  }

  /**
   * A .npy file as numpy writes it: magic, version, little-endian header length, the dict padded
   * with spaces and ended by a newline so the data starts on a 64-byte boundary, then the data.
   */
  static byte[] npy(int major, String dict, byte[] body) {
    int lengthBytes = major == 1 ? 2 : 4;
    int pre = 6 + 2 + lengthBytes;
    int total = pre + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(pre + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.put(body);
    return b.array();
  }

  static String dict(String descr, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  }

  static byte[] images() {
    return npy(1, dict("|u1", "(3, 2, 2, 3)"), imageBody());
  }

  static byte[] labels(String descr, long... values) {
    int size = Integer.parseInt(descr.substring(2));
    ByteBuffer b = ByteBuffer.allocate(values.length * size)
        .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (size) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return npy(1, dict(descr, "(" + values.length + ",)"), b.array());
  }

  /** Writes a zip of the given members, stored (as np.savez) or deflated (np.savez_compressed). */
  Path npz(String name, boolean deflate, Map<String, byte[]> members) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipEntry e = new ZipEntry(m.getKey());
        if (!deflate) {
          // stored entries must declare size and CRC up front
          CRC32 crc = new CRC32();
          crc.update(m.getValue());
          e.setMethod(ZipEntry.STORED);
          e.setSize(m.getValue().length);
          e.setCompressedSize(m.getValue().length);
          e.setCrc(crc.getValue());
        } else {
          e.setMethod(ZipEntry.DEFLATED);
        }
        zip.putNextEntry(e);
        zip.write(m.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }

  Path npz(byte[] image, byte[] label) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("image.npy", image);
    m.put("label.npy", label);
    return npz("gen.npz", false, m);
  }

  private static void assertChannelFirst(ImageDataset d, int count) {
    assertEquals(count, d.size());
    assertEquals(C, d.channels());
    assertEquals(H, d.height());
    assertEquals(W, d.width());
    float[] p = d.pixels();
    for (int n = 0; n < count; n++) {
      for (int c = 0; c < C; c++) {
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            float expected = value(n, y, x, c) / 255f;
            assertEquals(expected, p[((n * C + c) * H + y) * W + x], 0f, "n=" + n + " c=" + c + " y=" + y + " x=" + x);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "labels {0}, deflate {1}")
  @CsvSource({"|u1, false", "<i8, false", "<i4, true", "<i2, true", ">i4, false", "<u2, false", "|i1, true"})
  void readsImagesChannelFirstAndLabelsOfEveryIntegerDtype(String descr, boolean deflate) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("image.npy", images());
    m.put("label.npy", labels(descr, 9, 0, 4));
    ImageDataset d = NpzReader.read(npz("gen.npz", deflate, m), 10);
    assertChannelFirst(d, N);
    assertArrayEquals(new int[] {9, 0, 4}, d.labels());
    assertArrayEquals(new int[] {0, 1, 2}, d.indices());
    assertEquals(10, d.numClasses());
  }

  @Test
  void version2HeadersAndOtherKeyNamesWork() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("x.npy", npy(2, "{'shape': (3, 2, 2, 3), 'fortran_order': False, 'descr': '|u1'}", imageBody()));
    m.put("y.npy", labels("<i8", 1, 2, 3));
    ImageDataset d = NpzReader.read(npz("keys.npz", true, m), 4, "x", "y", 0);
    assertChannelFirst(d, N);
    assertArrayEquals(new int[] {1, 2, 3}, d.labels());
  }

  @Test
  void limitTakesAClassStratifiedSampleNotTheFirstImages() throws IOException {
    // written class by class, as generated sets often are: the first two images are both class 0
    ImageDataset d = NpzReader.read(npz(images(), labels("<i8", 0, 0, 1)), 10, "image", "label", 2);
    assertEquals(2, d.size());
    assertArrayEquals(new int[] {0, 1}, d.labels());
    assertEquals(2, d.index(1), "the class-1 image is the file's third");
    float[] pixels = d.pixels();
    int plane = H * W;
    for (int c = 0; c < C; c++) {
      // image 1 of the sample is the file's image 2; channel-first, (y, x) = (1, 0)
      assertEquals(value(2, 1, 0, c) / 255f, pixels[C * plane + c * plane + W], 1e-7f, "channel " + c);
    }
  }

  @Test
  void readsFilesNumpyWrote() throws IOException, URISyntaxException {
    // written by numpy 2.4.6: img[i, y, x, c] = (37i + 11y + 5x + 3c) % 256 for shape (5, 4, 6, 3),
    // labels [3, 1, 4, 1, 5] (int64 in the stored file, uint8 in the compressed one)
    for (String name : new String[] {"numpy-savez.npz", "numpy-savez-compressed.npz"}) {
      Path file = Path.of(NpzReaderTest.class.getResource(name).toURI());
      ImageDataset d = NpzReader.read(file, 6);
      assertEquals(5, d.size(), name);
      assertEquals(3, d.channels(), name);
      assertEquals(4, d.height(), name);
      assertEquals(6, d.width(), name);
      assertArrayEquals(new int[] {3, 1, 4, 1, 5}, d.labels(), name);
      float[] p = d.pixels();
      for (int i = 0; i < 5; i++) {
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
              assertEquals(((37 * i + 11 * y + 5 * x + 3 * c) % 256) / 255f, p[((i * 3 + c) * 4 + y) * 6 + x], 0f,
                  name + " i=" + i + " c=" + c + " y=" + y + " x=" + x);
            }
          }
        }
      }
    }
  }

  private DatasetFormatException fails(Path file, int numClasses) {
    return assertThrows(DatasetFormatException.class, () -> NpzReader.read(file, numClasses));
  }

  private static void assertMessage(DatasetFormatException e, Path file, String... parts) {
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "missing '" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void badMagicIsAnError() throws IOException {
    byte[] image = images();
    image[1] = 'X';
    Path f = npz(image, labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "image.npy", "expected the .npy magic \\x93NUMPY, got \\x93XUMPY");
  }

  @Test
  void fortranOrderIsAnError() throws IOException {
    Path f = npz(npy(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (3, 2, 2, 3), }", imageBody()),
        labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "image.npy", "fortran_order True");
  }

  @Test
  void unsupportedDtypesAreErrors() throws IOException {
    Path f = npz(npy(1, dict("<f4", "(3, 2, 2, 3)"), new byte[N * H * W * C * 4]), labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "image.npy", "got descr '<f4'");
    Path g = npz(npy(1, dict("<i2", "(3, 2, 2, 3)"), new byte[N * H * W * C * 2]), labels("<i8", 1, 2, 3));
    assertMessage(fails(g, 10), g, "image.npy", "expected uint8 images", "got descr '<i2'");
    Path h = npz(images(), npy(1, dict("<f8", "(3,)"), new byte[24]));
    assertMessage(fails(h, 10), h, "label.npy", "expected an integer dtype", "got descr '<f8'");
  }

  @Test
  void shapeMismatchBetweenImagesAndLabelsIsAnError() throws IOException {
    Path f = npz(images(), labels("<i8", 1, 2));
    assertMessage(fails(f, 10), f, "expected one label per image", "(3, 2, 2, 3)", "(2,)");
  }

  @Test
  void wrongRankIsAnError() throws IOException {
    Path f = npz(npy(1, dict("|u1", "(3, 4, 3)"), new byte[36]), labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "expected 4 dimensions (N, H, W, C), got shape (3, 4, 3)");
    Path g = npz(images(), npy(1, dict("<i8", "(3, 1)"), new byte[24]));
    assertMessage(fails(g, 10), g, "label.npy", "expected 1 dimension (N,), got shape (3, 1)");
  }

  @Test
  void labelOutOfRangeIsAnError() throws IOException {
    Path f = npz(images(), labels("<i8", 1, 10, 3));
    assertMessage(fails(f, 10), f, "label.npy", "expected labels in [0, 10), got 10 at position 1");
    Path g = npz(images(), labels("<i4", 1, 2, -1));
    assertMessage(fails(g, 10), g, "got -1 at position 2");
  }

  @Test
  void truncatedAndOverlongBodiesAreErrors() throws IOException {
    byte[] body = imageBody();
    Path f = npz(npy(1, dict("|u1", "(3, 2, 2, 3)"), java.util.Arrays.copyOf(body, body.length - 1)),
        labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "image.npy", "truncated", "expected 36 bytes", "got 35");
    Path g = npz(npy(1, dict("|u1", "(3, 2, 2, 3)"), java.util.Arrays.copyOf(body, body.length + 4)),
        labels("<i8", 1, 2, 3));
    assertMessage(fails(g, 10), g, "image.npy", "expected 36 data bytes", "got 40");
  }

  @Test
  void missingKeyListsTheArraysThereAre() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("images.npy", images());
    m.put("labels.npy", labels("<i8", 1, 2, 3));
    Path f = npz("keys.npz", false, m);
    assertMessage(fails(f, 10), f, "expected an array named 'image'", "[images, labels]");
  }

  @Test
  void notAZipIsAnError() throws IOException {
    Path f = Files.write(dir.resolve("plain.npz"), images());
    assertMessage(fails(f, 10), f, "expected an .npz (zip) archive");
  }

  @Test
  void corruptDeflateStreamIsAnError() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("image.npy", images());
    m.put("label.npy", labels("<i8", 1, 2, 3));
    Path f = npz("gen.npz", true, m);
    byte[] bytes = Files.readAllBytes(f);
    // local header of the first member is 30 bytes + its name; overwrite the start of its deflate data
    int data = 30 + "image.npy".length();
    for (int i = data; i < data + 12; i++) {
      bytes[i] = (byte) 0xFF;
    }
    Files.write(f, bytes);
    DatasetFormatException e = fails(f, 10);
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
  }

  /** A file numpy wrote (np.savez or np.savez_compressed), copied into the temp folder. */
  private Path numpyFile(String name) throws IOException, URISyntaxException {
    Path source = Path.of(NpzReaderTest.class.getResource(name).toURI());
    return Files.copy(source, dir.resolve(name));
  }

  /** @return the offset of the last 4-byte little-endian zip signature {@code sig} */
  private static int lastSignature(byte[] bytes, int sig) {
    for (int i = bytes.length - 4; i >= 0; i--) {
      if (ByteBuffer.wrap(bytes, i, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == sig) {
        return i;
      }
    }
    throw new AssertionError("no signature " + Integer.toHexString(sig));
  }

  @Test
  void truncatedNumpyNpzNamesTheFileTheProblemAndWhatToDo() throws Exception {
    Path f = numpyFile("numpy-savez-compressed.npz");
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DatasetFormatException e = fails(f, 6);
    assertMessage(e, f, "expected an .npz (zip) archive", "zip END header not found", NpzReader.GET_AGAIN);
  }

  @Test
  void npzWithoutItsEndHeaderNamesTheFile() throws Exception {
    Path f = numpyFile("numpy-savez.npz");
    byte[] bytes = Files.readAllBytes(f);
    // drop only the end-of-central-directory record (signature PK\5\6): every member is intact
    int end = lastSignature(bytes, 0x06054b50);
    Files.write(f, java.util.Arrays.copyOf(bytes, end));
    DatasetFormatException e = fails(f, 6);
    assertMessage(e, f, "zip END header not found", NpzReader.GET_AGAIN);
  }

  @Test
  void deflatedMemberCutShortNamesTheFile() throws Exception {
    Path f = numpyFile("numpy-savez-compressed.npz");
    byte[] bytes = Files.readAllBytes(f);
    // the central directory entry of the first member (signature PK\1\2) says how many compressed
    // bytes it has, at offset 20: claim half, so the inflater runs out of input mid-stream
    int cen = -1;
    for (int i = 0; i + 4 <= bytes.length && cen < 0; i++) {
      if (ByteBuffer.wrap(bytes, i, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == 0x02014b50) {
        cen = i;
      }
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(cen + 20, b.getInt(cen + 20) / 2);
    Files.write(f, bytes);
    DatasetFormatException e = fails(f, 6);
    assertMessage(e, f, "broken zip member", "Unexpected end of ZLIB input stream", NpzReader.GET_AGAIN);
  }

  @Test
  void unknownNpyVersionIsAnError() throws IOException {
    byte[] image = images();
    image[6] = 9;
    Path f = npz(image, labels("<i8", 1, 2, 3));
    assertMessage(fails(f, 10), f, "expected .npy format version 1.0, 2.0 or 3.0, got 9.0");
  }

  @Test
  void headerWriterMatchesNumpysAlignment() {
    // numpy pads so that the data starts at a multiple of 64 bytes; the test writer must too
    byte[] b = npy(1, dict("|u1", "(3, 2, 2, 3)"), new byte[0]);
    assertEquals(0, b.length % 64);
  }
}
