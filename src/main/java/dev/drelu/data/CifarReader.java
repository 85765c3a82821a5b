package dev.drelu.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 and CIFAR-100 in their binary distribution format (Krizhevsky 2009, <a
 * href="https://www.cs.toronto.edu/~kriz/cifar.html">the "binary version"</a>).
 *
 * <ul>
 *   <li>CIFAR-10 ({@code cifar-10-batches-bin/}): {@code data_batch_1.bin} .. {@code
 *       data_batch_5.bin} (train) and {@code test_batch.bin}. Each record is 3073 bytes: one label
 *       byte (0..9), then 3072 pixel bytes.
 *   <li>CIFAR-100 ({@code cifar-100-binary/}): {@code train.bin} and {@code test.bin}. Each record
 *       is 3074 bytes: the coarse label (0..19), the fine label (0..99), then 3072 pixel bytes.
 * </ul>
 *
 * The 3072 pixel bytes are the red plane, then green, then blue, each 32x32 row-major: already the
 * channel-first layout of {@link ImageDataset}, so they are only scaled by /255.
 *
 * <p>Example indices are the running record position over the files of a part in the order above
 * (train: data_batch_1 first), so they are the same on every read.
 */
public final class CifarReader {
  /** Images are 3 x 32 x 32. */
  public static final int SIDE = 32;
  /** Pixel bytes per record: 3 planes of 32 x 32. */
  public static final int PIXEL_BYTES = 3 * SIDE * SIDE;

  /** Which dataset, and for CIFAR-100 which of its two labels. */
  public enum Variant {
    /** CIFAR-10: 10 classes, one label byte. */
    CIFAR10(10, 1, 0, "CIFAR-10", "cifar-10-batches-bin",
        List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
        List.of("test_batch.bin")),
    /** CIFAR-100 with its 100 fine labels (the usual benchmark). */
    CIFAR100_FINE(100, 2, 1, "CIFAR-100", "cifar-100-binary", List.of("train.bin"), List.of("test.bin")),
    /** CIFAR-100 with its 20 coarse (superclass) labels. */
    CIFAR100_COARSE(20, 2, 0, "CIFAR-100", "cifar-100-binary", List.of("train.bin"), List.of("test.bin"));

    private final int numClasses;
    private final int labelBytes;
    private final int labelOffset;
    private final String title;
    private final String folder;
    private final List<String> trainFiles;
    private final List<String> testFiles;

    Variant(int numClasses, int labelBytes, int labelOffset, String title, String folder,
        List<String> trainFiles, List<String> testFiles) {
      this.numClasses = numClasses;
      this.labelBytes = labelBytes;
      this.labelOffset = labelOffset;
      this.title = title;
      this.folder = folder;
      this.trainFiles = trainFiles;
      this.testFiles = testFiles;
    }

    /** @return number of classes of the label this variant reads */
    public int numClasses() {
      return numClasses;
    }

    /** @return bytes per record: the label bytes plus 3072 pixel bytes */
    public int recordBytes() {
      return labelBytes + PIXEL_BYTES;
    }

    /** @return the training files, in the order their records are numbered */
    public List<String> trainFiles() {
      return trainFiles;
    }

    /** @return the test files */
    public List<String> testFiles() {
      return testFiles;
    }
  }

  /**
   * The two parts of the distribution.
   *
   * @param train the training records, indices 0..N-1
   * @param test the test records, indices 0..M-1
   */
  public record Parts(ImageDataset train, ImageDataset test) {}

  private CifarReader() {}

  /**
   * Reads the training and test files of a distribution folder.
   *
   * @param dir the extracted distribution folder, e.g. {@code cifar-10-batches-bin}
   * @param variant which dataset and label
   * @return train and test sets, N x 3 x 32 x 32 in [0, 1]
   * @throws NoSuchFileException if files are missing; the message lists every missing file and what
   *     the folder should contain
   * @throws DatasetFormatException if a file's size is not a positive multiple of the record size
   *     or a label is out of range; the message names the file
   * @throws IOException if a file cannot be read
   */
  public static Parts read(Path dir, Variant variant) throws IOException {
    List<Path> train = files(dir, variant, variant.trainFiles);
    List<Path> test = files(dir, variant, variant.testFiles);
    return new Parts(readFiles(train, variant), readFiles(test, variant));
  }

  /**
   * @param dir the distribution folder
   * @param variant which dataset
   * @return the training files, then the test files, in reading order
   * @throws NoSuchFileException if any is missing (all missing ones are named)
   */
  public static List<Path> sourceFiles(Path dir, Variant variant) throws NoSuchFileException {
    List<String> names = new ArrayList<>(variant.trainFiles);
    names.addAll(variant.testFiles);
    return files(dir, variant, names);
  }

  /**
   * Reads records from files in order; the example index runs on across files.
   *
   * @param files binary batch files of {@code variant}
   * @param variant record layout and label range
   * @return the records, indices 0..N-1
   * @throws DatasetFormatException if a file's size is not a positive multiple of the record size
   *     or a label is out of range
   * @throws IOException if a file cannot be read
   */
  public static ImageDataset readFiles(List<Path> files, Variant variant) throws IOException {
    int record = variant.recordBytes();
    long total = 0;
    for (Path f : files) {
      long size = Files.size(f);
      if (size == 0 || size % record != 0) {
        throw new DatasetFormatException(f, "expected a multiple of " + record + " bytes (" + variant.title
            + " records of " + variant.labelBytes + " label byte(s) + " + PIXEL_BYTES + " pixel bytes), got "
            + size + (size == 0 ? "" : " (" + size / record + " records and " + size % record + " bytes left over)")
            + hintIfOtherVariant(size, variant) + getAgain(variant));
      }
      total += size / record;
    }
    if (total * PIXEL_BYTES > Integer.MAX_VALUE - 8) {
      throw new DatasetFormatException(files.get(0), "expected at most " + (Integer.MAX_VALUE - 8) / PIXEL_BYTES
          + " records in all, got " + total);
    }
    int n = (int) total;
    float[] pixels = new float[n * PIXEL_BYTES];
    int[] labels = new int[n];
    int[] indices = new int[n];
    byte[] buf = new byte[record];
    int row = 0;
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        row = readRecords(f, in, variant, buf, pixels, labels, indices, row);
      } catch (DatasetFormatException | java.nio.file.FileSystemException e) {
        throw e; // they name the file already
      } catch (IOException e) {
        // a read error below the format (a bad disk, a file on a dropped mount): still name the file
        throw new DatasetFormatException(f, "cannot read " + variant.title + " records: " + e + getAgain(variant), e);
      }
    }
    return ImageDataset.adopt(pixels, labels, indices, 3, SIDE, SIDE, variant.numClasses);
  }

  /** Reads one batch file's records into the arrays from {@code row} on; returns the next free row. */
  private static int readRecords(Path f, InputStream in, Variant variant, byte[] buf, float[] pixels, int[] labels,
      int[] indices, int row) throws IOException {
    int record = variant.recordBytes();
    for (int r = 0; ; r++) {
      int got = in.readNBytes(buf, 0, record);
      if (got == 0) {
        break;
      }
      if (got < record) {
        // the size was checked above; only a file changed while it was read gets here
        throw new DatasetFormatException(f, "expected " + record + " bytes for record " + r + ", got " + got
            + getAgain(variant));
      }
      int label = buf[variant.labelOffset] & 0xFF;
      if (label >= variant.numClasses) {
        throw new DatasetFormatException(f, "expected " + labelName(variant) + " labels in [0, "
            + variant.numClasses + "), got " + label + " in record " + r + " (byte offset "
            + ((long) r * record + variant.labelOffset) + ")");
      }
      labels[row] = label;
      indices[row] = row;
      int base = row * PIXEL_BYTES;
      for (int k = 0; k < PIXEL_BYTES; k++) {
        pixels[base + k] = (buf[variant.labelBytes + k] & 0xFF) / 255f;
      }
      row++;
    }
    return row;
  }

  /** What to do about a cut-short or foreign batch file: extract it again from the archive. */
  static String getAgain(Variant variant) {
    return "; the file was cut short or is not a " + variant.title + " batch: extract it again from "
        + (variant == Variant.CIFAR10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz")
        + " (a smoke stand-in: delete it and run ./drelu smoke-data)";
  }

  private static String labelName(Variant v) {
    return switch (v) {
      case CIFAR10 -> "CIFAR-10";
      case CIFAR100_FINE -> "CIFAR-100 fine";
      case CIFAR100_COARSE -> "CIFAR-100 coarse";
    };
  }

  /** The commonest mix-up is CIFAR-10 files given as CIFAR-100 or back: say so when sizes fit. */
  private static String hintIfOtherVariant(long size, Variant v) {
    int other = v == Variant.CIFAR10 ? Variant.CIFAR100_FINE.recordBytes() : Variant.CIFAR10.recordBytes();
    if (size > 0 && size % other == 0) {
      return "; the size fits " + (v == Variant.CIFAR10 ? "CIFAR-100" : "CIFAR-10")
          + " records: is this the other dataset?";
    }
    return "";
  }

  private static List<Path> files(Path dir, Variant variant, List<String> names) throws NoSuchFileException {
    List<Path> files = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      Path f = dir.resolve(name);
      files.add(f);
      if (!Files.isRegularFile(f)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new NoSuchFileException(dir.toString(), null, "missing " + String.join(", ", missing) + "; "
          + describeFolder(variant) + hintSubfolder(dir, variant));
    }
    return files;
  }

  /** @return what a distribution folder of {@code variant} holds, for error messages */
  static String describeFolder(Variant variant) {
    List<String> all = new ArrayList<>(variant.trainFiles);
    all.addAll(variant.testFiles);
    return "the " + variant.title + " binary distribution folder (" + variant.folder + "/, extracted from "
        + (variant == Variant.CIFAR10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz")
        + ") holds " + String.join(", ", all)
        + "; it cannot be downloaded here: set path: to the folder";
  }

  private static String hintSubfolder(Path dir, Variant variant) {
    Path sub = dir.resolve(variant.folder);
    return Files.isDirectory(sub) ? "; did you mean " + sub + "?" : "";
  }
}
