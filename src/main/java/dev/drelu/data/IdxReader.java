package dev.drelu.data;

import dev.drelu.core.Checks;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-style IDX files (MNIST, Fashion-MNIST): an images file with magic {@code 0x00000803}
 * (unsigned bytes, 3 dimensions: count, rows, columns) and a labels file with magic {@code
 * 0x00000801} (unsigned bytes, 1 dimension: count). Either file may be gzipped; gzip is recognised by
 * its magic bytes {@code 1f 8b}, not by the file name, because downloads are often renamed.
 *
 * <p>Format: <a href="http://yann.lecun.com/exdb/mnist/">LeCun et al., THE MNIST DATABASE</a>.
 * All header integers are big-endian.
 */
public final class IdxReader {
  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int UNSIGNED_BYTE = 0x08;
  /** What to do about a damaged or cut-short file: it is a download or a package's file, so get it again. */
  static final String GET_AGAIN = "; the file is damaged or was cut short: get it again (Fashion-MNIST:"
      + " apt-get install --reinstall dataset-fashion-mnist; MNIST: download it again)";
  private static final int BUFFER_BYTES = 1 << 16;

  private IdxReader() {}

  /**
   * Reads an images file and its labels file into one dataset.
   *
   * @param images IDX images file (magic {@code 0x00000803}), plain or gzipped
   * @param labels IDX labels file (magic {@code 0x00000801}), plain or gzipped
   * @param numClasses number of classes; every label must be in [0, numClasses)
   * @return N x 1 x rows x cols pixels scaled to [0, 1] by /255, example indices 0..N-1
   * @throws DatasetFormatException if a file has the wrong magic or dimension count, a zero size,
   *     a truncated body, trailing bytes, a broken gzip stream, if the counts differ, or a label
   *     is out of range; the message names the file
   * @throws IOException if a file cannot be read at all (e.g. {@link
   *     java.nio.file.NoSuchFileException})
   * @throws IllegalArgumentException if {@code numClasses < 2}
   */
  public static ImageDataset read(Path images, Path labels, int numClasses) throws IOException {
    Checks.atLeast("numClasses", numClasses, 2);
    Idx img = readIdx(images, IMAGES_MAGIC, "IDX unsigned-byte images");
    Idx lab = readIdx(labels, LABELS_MAGIC, "IDX unsigned-byte labels");
    int count = img.dims[0];
    if (lab.dims[0] != count) {
      throw new DatasetFormatException(
          labels,
          "expected " + count + " labels (one per image in " + images + "), got " + lab.dims[0]);
    }
    int[] labelValues = new int[count];
    for (int i = 0; i < count; i++) {
      int label = lab.body[i] & 0xFF;
      if (label >= numClasses) {
        throw new DatasetFormatException(
            labels,
            "expected labels in [0, " + numClasses + "), got " + label + " at position " + i);
      }
      labelValues[i] = label;
    }
    float[] pixels = new float[img.body.length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (img.body[i] & 0xFF) / 255f;
    }
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      indices[i] = i;
    }
    return new ImageDataset(pixels, labelValues, indices, 1, img.dims[1], img.dims[2], numClasses);
  }

  /** A parsed IDX file: its dimensions and its raw unsigned-byte body. */
  private record Idx(int[] dims, byte[] body) {}

  private static Idx readIdx(Path file, int expectedMagic, String what) throws IOException {
    try (InputStream in = open(file)) {
      byte[] magicBytes = in.readNBytes(4);
      if (magicBytes.length < 4) {
        throw new DatasetFormatException(
            file,
            "truncated: expected a 4-byte magic number " + hex(expectedMagic) + " (" + what
                + "), file holds " + magicBytes.length + " bytes" + GET_AGAIN);
      }
      int magic = bigEndian(magicBytes, 0);
      checkMagic(file, magic, expectedMagic, what);
      int dimCount = expectedMagic & 0xFF;
      byte[] header = in.readNBytes(4 * dimCount);
      if (header.length < 4 * dimCount) {
        throw new DatasetFormatException(
            file,
            "truncated: expected " + dimCount + " dimension sizes (" + 4 * dimCount
                + " header bytes) after the magic number, file holds " + header.length + GET_AGAIN);
      }
      int[] dims = new int[dimCount];
      long bodyBytes = 1;
      for (int d = 0; d < dimCount; d++) {
        dims[d] = bigEndian(header, 4 * d);
        // IDX sizes are unsigned 32-bit; a negative int here means >= 2^31, which no real file has.
        if (dims[d] <= 0) {
          throw new DatasetFormatException(
              file,
              "expected positive dimension sizes, got " + Integer.toUnsignedString(dims[d])
                  + " for dimension " + d + " (sizes " + sizes(dims, d + 1) + ")");
        }
        bodyBytes *= dims[d];
      }
      // Java arrays stop just short of 2^31; a header asking for more is corrupt for our purposes.
      if (bodyBytes > Integer.MAX_VALUE - 8) {
        throw new DatasetFormatException(
            file, "header says " + describe(dims) + " = " + bodyBytes + " bytes, more than this reader can hold");
      }
      // readNBytes(int) grows its buffer as data arrives, so a lying header cannot force a huge
      // allocation before the truncation is noticed.
      byte[] body = in.readNBytes((int) bodyBytes);
      if (body.length < bodyBytes) {
        throw new DatasetFormatException(
            file,
            "truncated: header says " + describe(dims) + " = " + bodyBytes + " bytes, file holds "
                + body.length + GET_AGAIN);
      }
      long extra = in.transferTo(OutputStream.nullOutputStream());
      if (extra > 0) {
        throw new DatasetFormatException(
            file,
            "trailing garbage: header says " + describe(dims) + " = " + bodyBytes
                + " bytes, file holds " + (bodyBytes + extra));
      }
      return new Idx(dims, body);
    } catch (ZipException | EOFException e) {
      // Only GZIPInputStream throws these here: the header reads above use readNBytes, which
      // reports a short read instead of throwing.
      throw new DatasetFormatException(file, "broken gzip stream: " + e.getMessage() + GET_AGAIN, e);
    } catch (DatasetFormatException | java.nio.file.FileSystemException e) {
      throw e; // already name the file
    } catch (IOException | RuntimeException e) {
      // anything else low-level (a read error, an inflater failure): still say which file
      throw new DatasetFormatException(file, "cannot read it as " + what + ": " + e + GET_AGAIN, e);
    }
  }

  /** Opens {@code file}, decompressing if it starts with the gzip magic bytes 1f 8b. */
  private static InputStream open(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
    try {
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(in, BUFFER_BYTES), BUFFER_BYTES);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static void checkMagic(Path file, int magic, int expectedMagic, String what)
      throws DatasetFormatException {
    if (magic == expectedMagic) {
      return;
    }
    boolean idxUnsignedBytes = (magic >>> 8) == UNSIGNED_BYTE;
    if (idxUnsignedBytes) {
      // Right family, wrong rank: most likely the images and labels files were swapped.
      String hint =
          magic == (expectedMagic == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC)
              ? "; are the images and labels files swapped?"
              : "";
      throw new DatasetFormatException(
          file,
          "expected magic " + hex(expectedMagic) + " (" + what + ", " + (expectedMagic & 0xFF)
              + " dimensions), got " + hex(magic) + " (" + (magic & 0xFF) + " dimensions)" + hint);
    }
    throw new DatasetFormatException(
        file, "expected magic " + hex(expectedMagic) + " (" + what + "), got " + hex(magic));
  }

  private static String describe(int[] dims) {
    if (dims.length == 3) {
      return dims[0] + " images of " + dims[1] + "x" + dims[2];
    }
    return dims[0] + " labels of 1 byte";
  }

  private static String sizes(int[] dims, int known) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < known; i++) {
      s.append(i == 0 ? "" : "x").append(Integer.toUnsignedString(dims[i]));
    }
    return s.toString();
  }

  private static int bigEndian(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  private static String hex(int v) {
    return String.format("0x%08X", v);
  }
}
