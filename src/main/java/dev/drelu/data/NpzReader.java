package dev.drelu.data;

import dev.drelu.core.Checks;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads labelled images from a NumPy {@code .npz} file: a zip archive of {@code .npy} arrays,
 * stored ({@code np.savez}) or deflated ({@code np.savez_compressed}). This is how generated
 * training sets are distributed, e.g. the EDM sets of Wang et al. 2023 ("Better diffusion models
 * further improve adversarial training"), which keep uint8 images of shape (N, H, W, C) under the
 * key {@code image} and integer labels of shape (N,) under {@code label}.
 *
 * <p>The {@code .npy} format (<a
 * href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">numpy.lib.format</a>):
 * the magic {@code \x93NUMPY}, a version byte pair (1.0, 2.0 or 3.0), a little-endian header
 * length (2 bytes in 1.0, 4 in 2.0/3.0), an ASCII (3.0: UTF-8) Python dict literal with {@code
 * 'descr'}, {@code 'fortran_order'} and {@code 'shape'}, then the raw data in C order.
 *
 * <p>Example indices are 0..N-1 in file order.
 */
public final class NpzReader {
  /** The key of the image array in the EDM generated sets. */
  public static final String DEFAULT_IMAGE_KEY = "image";
  /** The key of the label array in the EDM generated sets. */
  public static final String DEFAULT_LABEL_KEY = "label";

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final int BUFFER_BYTES = 1 << 16;
  /** What to do about a damaged or cut-short archive: nothing here can repair it, so get it again. */
  static final String GET_AGAIN = "; the file is damaged or was cut short: copy or download it again"
      + " (a smoke stand-in: delete it and run ./drelu smoke-data)";

  private NpzReader() {}

  /**
   * An integer element type: its byte order and width.
   *
   * @param descr the numpy descr string, e.g. {@code <i8}
   * @param order byte order of multi-byte values
   * @param bytes width, 1, 2, 4 or 8
   * @param signed whether values are two's complement
   */
  record Dtype(String descr, ByteOrder order, int bytes, boolean signed) {}

  /**
   * The header of one {@code .npy} member.
   *
   * @param dtype element type
   * @param shape the array's shape
   */
  record Header(Dtype dtype, long[] shape) {
    long count() {
      long c = 1;
      for (long s : shape) {
        c *= s;
      }
      return c;
    }

    String shapeText() {
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < shape.length; i++) {
        b.append(i == 0 ? "" : ", ").append(shape[i]);
      }
      return b.append(shape.length == 1 ? ",)" : ")").toString();
    }
  }

  /**
   * Reads all images and labels under the default keys {@code image} and {@code label}.
   *
   * @see #read(Path, int, String, String, int)
   */
  public static ImageDataset read(Path file, int numClasses) throws IOException {
    return read(file, numClasses, DEFAULT_IMAGE_KEY, DEFAULT_LABEL_KEY, 0);
  }

  /**
   * @param file the .npz archive
   * @param numClasses every label must be in [0, numClasses)
   * @param imageKey name of the image array (member {@code imageKey + ".npy"}): uint8, (N, H, W, C)
   * @param labelKey name of the label array: integers of 1, 2, 4 or 8 bytes, shape (N,)
   * @param limit keep only {@code limit} images (0 = all), a class-stratified sample with seed 0
   *     ({@link StratifiedSample}), never simply the first ones: generated sets can hold millions
   *     of images, more than fit in memory as floats, and are often written class by class
   * @return min(N, limit) x C x H x W pixels scaled by /255; example indices are the images'
   *     positions in the file
   * @throws DatasetFormatException if the file is not a zip, a key is missing, a member has a bad
   *     magic or header, Fortran order, an unsupported dtype, the wrong rank, a truncated body or
   *     trailing bytes, if the image and label counts differ, or a label is out of range; the
   *     message names the file and member
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if {@code numClasses < 2} or {@code limit < 0}
   */
  public static ImageDataset read(Path file, int numClasses, String imageKey, String labelKey, int limit)
      throws IOException {
    Checks.atLeast("numClasses", numClasses, 2);
    Checks.atLeast("limit", limit, 0);
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new DatasetFormatException(file, "expected an .npz (zip) archive, got something else or a cut-short"
          + " archive: " + e.getMessage() + GET_AGAIN, e);
    }
    try (zip) {
      ZipEntry imageEntry = entry(zip, file, imageKey);
      ZipEntry labelEntry = entry(zip, file, labelKey);
      String imageWhere = imageEntry.getName();
      String labelWhere = labelEntry.getName();
      try (InputStream images = new BufferedInputStream(zip.getInputStream(imageEntry), BUFFER_BYTES);
          InputStream labels = new BufferedInputStream(zip.getInputStream(labelEntry), BUFFER_BYTES)) {
        Header ih = header(images, file, imageWhere);
        Header lh = header(labels, file, labelWhere);
        if (ih.dtype().bytes() != 1 || ih.dtype().signed()) {
          throw new DatasetFormatException(file, imageWhere + ": expected uint8 images (descr '|u1'), got descr '"
              + ih.dtype().descr() + "'");
        }
        if (ih.shape().length != 4) {
          throw new DatasetFormatException(file, imageWhere + ": expected 4 dimensions (N, H, W, C), got shape "
              + ih.shapeText());
        }
        if (lh.shape().length != 1) {
          throw new DatasetFormatException(file, labelWhere + ": expected 1 dimension (N,), got shape "
              + lh.shapeText());
        }
        long count = ih.shape()[0];
        if (lh.shape()[0] != count) {
          throw new DatasetFormatException(file, "expected one label per image: " + imageWhere + " has shape "
              + ih.shapeText() + ", " + labelWhere + " has shape " + lh.shapeText());
        }
        int h = positive(file, imageWhere, ih, 1);
        int w = positive(file, imageWhere, ih, 2);
        int c = positive(file, imageWhere, ih, 3);
        long n = limit > 0 ? Math.min(count, limit) : count;
        long imageSize = (long) h * w * c;
        if (n * imageSize > Integer.MAX_VALUE - 8) {
          throw new DatasetFormatException(file, imageWhere + ": shape " + ih.shapeText() + " holds more than "
              + (Integer.MAX_VALUE - 8) / imageSize + " images, more than fit in memory here; set a limit");
        }
        if (count > Integer.MAX_VALUE - 8) {
          throw new DatasetFormatException(file, labelWhere + ": shape " + lh.shapeText() + " holds more labels"
              + " than drelu can index");
        }
        int[] allLabels = readLabels(labels, file, labelWhere, lh.dtype(), (int) count, numClasses);
        trailing(labels, file, labelWhere, lh);
        int[] rows = StratifiedSample.rows(allLabels, numClasses, (int) n, 0);
        float[] pixels = readPixels(images, file, imageWhere, rows, (int) count, h, w, c);
        if (n == count) {
          trailing(images, file, imageWhere, ih);
        }
        int[] labelValues = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
          labelValues[k] = allLabels[rows[k]];
        }
        return ImageDataset.adopt(pixels, labelValues, rows, c, h, w, numClasses);
      } catch (ZipException | java.io.EOFException e) {
        // a corrupt deflate stream (np.savez_compressed members) surfaces here: ZipException for bad
        // data, EOFException ("Unexpected end of ZLIB input stream") for a member cut short
        throw new DatasetFormatException(file, "broken zip member: " + e.getMessage() + GET_AGAIN, e);
      } catch (DatasetFormatException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // anything else low-level still names the archive
        throw new DatasetFormatException(file, "cannot read the .npz members: " + e + GET_AGAIN, e);
      }
    }
  }

  private static ZipEntry entry(ZipFile zip, Path file, String key) throws DatasetFormatException {
    ZipEntry e = zip.getEntry(key + ".npy");
    if (e != null) {
      return e;
    }
    List<String> keys = new ArrayList<>();
    for (ZipEntry z : Collections.list(zip.entries())) {
      String name = z.getName();
      keys.add(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name);
    }
    throw new DatasetFormatException(file, "expected an array named '" + key + "' (member " + key
        + ".npy), got arrays " + keys);
  }

  /** Reads and checks a .npy header, leaving the stream at the first data byte. */
  static Header header(InputStream in, Path file, String member) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new DatasetFormatException(file, member + ": expected the .npy magic \\x93NUMPY, got "
          + escape(magic));
    }
    byte[] version = in.readNBytes(2);
    if (version.length < 2) {
      throw new DatasetFormatException(file, member + ": truncated: expected a version after the magic, got "
          + version.length + " bytes" + GET_AGAIN);
    }
    int major = version[0] & 0xFF;
    int lengthBytes;
    if (major == 1) {
      lengthBytes = 2;
    } else if (major == 2 || major == 3) {
      lengthBytes = 4;
    } else {
      throw new DatasetFormatException(file, member + ": expected .npy format version 1.0, 2.0 or 3.0, got "
          + major + "." + (version[1] & 0xFF));
    }
    byte[] len = in.readNBytes(lengthBytes);
    if (len.length < lengthBytes) {
      throw new DatasetFormatException(file, member + ": truncated: expected a " + lengthBytes
          + "-byte header length, got " + len.length + " bytes" + GET_AGAIN);
    }
    ByteBuffer lb = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = lengthBytes == 2 ? lb.getShort() & 0xFFFF : lb.getInt() & 0xFFFFFFFFL;
    // real headers are a few hundred bytes; a huge length means this is not a header at all
    if (headerLength > 1 << 20) {
      throw new DatasetFormatException(file, member + ": expected a header of at most 1 MiB, got a length of "
          + headerLength);
    }
    byte[] headerBytes = in.readNBytes((int) headerLength);
    if (headerBytes.length < headerLength) {
      throw new DatasetFormatException(file, member + ": truncated: expected a " + headerLength
          + "-byte header, got " + headerBytes.length + " bytes" + GET_AGAIN);
    }
    String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
    Matcher descr = DESCR.matcher(text);
    Matcher fortran = FORTRAN.matcher(text);
    Matcher shape = SHAPE.matcher(text);
    if (!descr.find() || !fortran.find() || !shape.find()) {
      throw new DatasetFormatException(file, member + ": expected a header dict with 'descr', 'fortran_order' "
          + "and 'shape', got: " + text);
    }
    if (fortran.group(1).equals("True")) {
      throw new DatasetFormatException(file, member + ": expected C order (fortran_order False), got "
          + "fortran_order True; save np.ascontiguousarray(a) instead");
    }
    return new Header(dtype(file, member, descr.group(1)), shape(file, member, shape.group(1)));
  }

  private static Dtype dtype(Path file, String member, String descr) throws DatasetFormatException {
    Matcher m = Pattern.compile("([<>|=])([iu])([1248])").matcher(descr);
    if (!m.matches()) {
      throw new DatasetFormatException(file, member + ": expected an integer dtype such as '|u1', '<i2', '<i4' "
          + "or '<i8', got descr '" + descr + "'");
    }
    int bytes = Integer.parseInt(m.group(3));
    ByteOrder order = switch (m.group(1)) {
      case ">" -> ByteOrder.BIG_ENDIAN;
      // '=' is the writer's native order; every platform numpy runs on for these files is little-endian
      default -> ByteOrder.LITTLE_ENDIAN;
    };
    return new Dtype(descr, order, bytes, m.group(2).equals("i"));
  }

  private static long[] shape(Path file, String member, String text) throws DatasetFormatException {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      // Python 2 era files may write 100L
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1);
      }
      try {
        long d = Long.parseLong(p);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new DatasetFormatException(file, member + ": expected a shape of non-negative integers, got ("
            + text + ")");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static int positive(Path file, String member, Header h, int dim) throws DatasetFormatException {
    long d = h.shape()[dim];
    if (d < 1 || d > 1 << 16) {
      throw new DatasetFormatException(file, member + ": expected image dimensions in [1, 65536], got shape "
          + h.shapeText());
    }
    return (int) d;
  }

  private static int[] readLabels(InputStream in, Path file, String member, Dtype t, int n, int numClasses)
      throws IOException {
    byte[] body = in.readNBytes(n * t.bytes());
    if (body.length < n * t.bytes()) {
      throw new DatasetFormatException(file, member + ": truncated: expected " + n * t.bytes() + " bytes of '"
          + t.descr() + "' labels, got " + body.length + GET_AGAIN);
    }
    ByteBuffer b = ByteBuffer.wrap(body).order(t.order());
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      long v = switch (t.bytes()) {
        case 1 -> t.signed() ? b.get() : b.get() & 0xFF;
        case 2 -> t.signed() ? b.getShort() : b.getShort() & 0xFFFF;
        case 4 -> t.signed() ? b.getInt() : b.getInt() & 0xFFFFFFFFL;
        default -> b.getLong(); // a u8 above 2^63 reads negative, and is rejected as out of range below
      };
      if (v < 0 || v >= numClasses) {
        throw new DatasetFormatException(file, member + ": expected labels in [0, " + numClasses + "), got "
            + (t.bytes() == 8 && !t.signed() ? Long.toUnsignedString(v) : Long.toString(v)) + " at position " + i);
      }
      labels[i] = (int) v;
    }
    return labels;
  }

  /**
   * Reads the images at {@code rows} (ascending) of {@code count} images of H x W x C bytes,
   * stopping after the last one, and reorders them to C x H x W floats.
   */
  private static float[] readPixels(InputStream in, Path file, String member, int[] rows, int count, int h, int w,
      int c) throws IOException {
    int imageSize = h * w * c;
    float[] pixels = new float[rows.length * imageSize];
    byte[] image = new byte[imageSize];
    int plane = h * w;
    int next = 0;
    for (int i = 0; next < rows.length; i++) {
      int got = in.readNBytes(image, 0, imageSize);
      if (got < imageSize) {
        throw new DatasetFormatException(file, member + ": truncated: expected " + (long) count * imageSize
            + " bytes for " + count + " images of " + h + "x" + w + "x" + c + ", got " + ((long) i * imageSize + got)
            + GET_AGAIN);
      }
      if (i != rows[next]) {
        continue; // not in the sample
      }
      int base = next++ * imageSize;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int src = (y * w + x) * c;
          for (int ch = 0; ch < c; ch++) {
            pixels[base + ch * plane + y * w + x] = (image[src + ch] & 0xFF) / 255f;
          }
        }
      }
    }
    return pixels;
  }

  private static void trailing(InputStream in, Path file, String member, Header h) throws IOException {
    long extra = in.transferTo(OutputStream.nullOutputStream());
    if (extra > 0) {
      throw new DatasetFormatException(file, member + ": expected " + h.count() * h.dtype().bytes()
          + " data bytes for shape " + h.shapeText() + ", got " + (h.count() * h.dtype().bytes() + extra));
    }
  }

  private static String escape(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      int v = b & 0xFF;
      s.append(v >= 0x20 && v < 0x7F ? Character.toString(v) : String.format("\\x%02x", v));
    }
    return bytes.length == 0 ? "an empty member" : s.toString();
  }
}
