package dev.drelu.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads TinyImageNet (Stanford CS231N, {@code tiny-imagenet-200/}) in its folder format:
 *
 * <ul>
 *   <li>{@code wnids.txt}: one WordNet id per line; its order defines the class numbers 0..K-1.
 *   <li>{@code train/<wnid>/images/*.JPEG}: the training images of each class.
 *   <li>{@code val/images/*.JPEG} and {@code val/val_annotations.txt}: tab-separated lines {@code
 *       file, wnid, x0, y0, x1, y1}. The labelled val set serves as the test set (the official test
 *       set has no labels).
 * </ul>
 *
 * Images are 64x64 RGB, decoded with {@link ImageIO}. Some real images are greyscale JPEGs; their
 * grey value is copied to R, G and B (as PIL's {@code convert("RGB")} does).
 *
 * <p>Order is deterministic: train by class in wnids.txt order, then by file name; val by file
 * name. The example index is the running position in that order.
 */
public final class TinyImageNetReader {
  /** Images are 3 x 64 x 64. */
  public static final int SIDE = 64;

  private static final int IMAGE_SIZE = 3 * SIDE * SIDE;
  private static final String EXTENSION = ".jpeg";
  /** What to do about a damaged image: nothing here can repair it, so extract it again. */
  static final String GET_AGAIN = "; the image is damaged or was cut short: extract it again from"
      + " tiny-imagenet-200.zip (a smoke stand-in: delete its folder and run ./drelu smoke-data)";

  /**
   * The two parts of the distribution.
   *
   * @param train train/ images, labels by wnids.txt order
   * @param test val/ images, labels from val_annotations.txt
   */
  public record Parts(ImageDataset train, ImageDataset test) {}

  /** One image file and its class. */
  private record Item(Path file, int label) {}

  private TinyImageNetReader() {}

  /**
   * @param dir the distribution folder ({@code tiny-imagenet-200})
   * @return train and val (as test), N x 3 x 64 x 64 in [0, 1]
   * @throws NoSuchFileException if wnids.txt, a class's images folder, val/images or
   *     val/val_annotations.txt is missing, or an annotated val image does not exist
   * @throws DatasetFormatException if wnids.txt is empty or repeats a wnid, train/ or the
   *     annotations name an unknown wnid, an annotation line is malformed, a val image has no
   *     annotation, an image is not 64x64 or cannot be decoded; the message names the file
   * @throws IOException if a file cannot be read
   */
  public static Parts read(Path dir) throws IOException {
    Map<String, Integer> classes = wnids(dir);
    return new Parts(decode(trainItems(dir, classes), classes.size()), decode(valItems(dir, classes), classes.size()));
  }

  /**
   * Lists the files the dataset is made of, without decoding them, in reading order: wnids.txt,
   * the train images, val_annotations.txt, the val images.
   *
   * @param dir the distribution folder
   * @return the files; checks the same structure as {@link #read}, but not the image contents
   * @throws IOException as {@link #read}, except for image decoding errors
   */
  public static List<Path> sourceFiles(Path dir) throws IOException {
    Map<String, Integer> classes = wnids(dir);
    List<Path> files = new ArrayList<>();
    files.add(dir.resolve("wnids.txt"));
    trainItems(dir, classes).forEach(i -> files.add(i.file()));
    files.add(dir.resolve("val").resolve("val_annotations.txt"));
    valItems(dir, classes).forEach(i -> files.add(i.file()));
    return files;
  }

  /** @return wnid to class number, in file order */
  private static Map<String, Integer> wnids(Path dir) throws IOException {
    Path file = dir.resolve("wnids.txt");
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such file; " + describeFolder());
    }
    Map<String, Integer> classes = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String wnid = lines.get(i).trim();
      if (wnid.isEmpty()) {
        continue;
      }
      Integer first = classes.putIfAbsent(wnid, classes.size());
      if (first != null) {
        throw new DatasetFormatException(file, "expected each wnid once, got " + wnid + " again on line " + (i + 1)
            + " (first as class " + first + ")");
      }
    }
    if (classes.size() < 2) {
      throw new DatasetFormatException(file, "expected at least 2 wnids (TinyImageNet has 200), got "
          + classes.size());
    }
    return classes;
  }

  private static List<Item> trainItems(Path dir, Map<String, Integer> classes) throws IOException {
    Path train = dir.resolve("train");
    if (!Files.isDirectory(train)) {
      throw new NoSuchFileException(train.toString(), null, "no such folder; " + describeFolder());
    }
    // a class folder the wnids do not list would silently be dropped: the wrong wnids.txt, most likely
    for (Path sub : sortedList(train)) {
      String name = sub.getFileName().toString();
      if (Files.isDirectory(sub) && !classes.containsKey(name)) {
        throw new DatasetFormatException(sub, "unknown wnid: expected one of the " + classes.size()
            + " wnids in " + dir.resolve("wnids.txt") + ", got " + name);
      }
    }
    List<Item> items = new ArrayList<>();
    for (Map.Entry<String, Integer> c : classes.entrySet()) {
      Path images = train.resolve(c.getKey()).resolve("images");
      if (!Files.isDirectory(images)) {
        throw new NoSuchFileException(images.toString(), null, "no such folder, but " + c.getKey()
            + " is listed in wnids.txt; " + describeFolder());
      }
      for (Path f : sortedList(images)) {
        if (isJpeg(f)) {
          items.add(new Item(f, c.getValue()));
        }
      }
    }
    return items;
  }

  private static List<Item> valItems(Path dir, Map<String, Integer> classes) throws IOException {
    Path val = dir.resolve("val");
    Path annotations = val.resolve("val_annotations.txt");
    Path images = val.resolve("images");
    if (!Files.isRegularFile(annotations)) {
      throw new NoSuchFileException(annotations.toString(), null,
          "no such file: the val set's labels are in it; " + describeFolder());
    }
    if (!Files.isDirectory(images)) {
      throw new NoSuchFileException(images.toString(), null, "no such folder; " + describeFolder());
    }
    Map<String, Integer> labelOf = new HashMap<>();
    List<String> lines = Files.readAllLines(annotations, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length < 2) {
        throw new DatasetFormatException(annotations, "expected tab-separated 'file, wnid, x0, y0, x1, y1' on line "
            + (i + 1) + ", got: " + line);
      }
      Integer label = classes.get(fields[1].trim());
      if (label == null) {
        throw new DatasetFormatException(annotations, "unknown wnid on line " + (i + 1) + ": expected one of the "
            + classes.size() + " wnids in wnids.txt, got " + fields[1].trim());
      }
      String file = fields[0].trim();
      Integer before = labelOf.put(file, label);
      if (before != null) {
        throw new DatasetFormatException(annotations, "expected one annotation per image, got " + file
            + " again on line " + (i + 1));
      }
      if (!Files.isRegularFile(images.resolve(file))) {
        throw new NoSuchFileException(images.resolve(file).toString(), null,
            "no such file, but line " + (i + 1) + " of " + annotations + " annotates it");
      }
    }
    List<Item> items = new ArrayList<>();
    for (Path f : sortedList(images)) {
      if (!isJpeg(f)) {
        continue;
      }
      Integer label = labelOf.get(f.getFileName().toString());
      if (label == null) {
        throw new DatasetFormatException(f, "expected an annotation line in " + annotations + ", got none");
      }
      items.add(new Item(f, label));
    }
    return items;
  }

  /** Decodes every item into one dataset; images are independent, so they decode in parallel. */
  private static ImageDataset decode(List<Item> items, int numClasses) throws IOException {
    int n = items.size();
    if ((long) n * IMAGE_SIZE > Integer.MAX_VALUE - 8) {
      throw new DatasetFormatException(items.get(0).file().getParent(), "expected at most "
          + (Integer.MAX_VALUE - 8) / IMAGE_SIZE + " images in one part, got " + n);
    }
    float[] pixels = new float[n * IMAGE_SIZE];
    int[] labels = new int[n];
    int[] indices = new int[n];
    try {
      IntStream.range(0, n).parallel().forEach(i -> {
        try {
          decodeInto(items.get(i).file(), pixels, i * IMAGE_SIZE);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        labels[i] = items.get(i).label();
        indices[i] = i;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return ImageDataset.adopt(pixels, labels, indices, 3, SIDE, SIDE, numClasses);
  }

  /** Decodes one JPEG into 3 planes (R, G, B) of 64x64 at {@code offset}. */
  static void decodeInto(Path file, float[] dest, int offset) throws IOException {
    BufferedImage image = readImage(file);
    if (image.getWidth() != SIDE || image.getHeight() != SIDE) {
      throw new DatasetFormatException(file, "expected a " + SIDE + "x" + SIDE + " image, got "
          + image.getWidth() + "x" + image.getHeight());
    }
    int plane = SIDE * SIDE;
    Raster raster = image.getRaster();
    if (raster.getNumBands() == 1) {
      // Raw samples, not getRGB: getRGB treats a grey image as linear and gamma-corrects it to sRGB,
      // which would brighten the greys; the dataset's convention is R = G = B = the stored grey.
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          float v = raster.getSample(x, y, 0) / 255f;
          int p = offset + y * SIDE + x;
          dest[p] = v;
          dest[p + plane] = v;
          dest[p + 2 * plane] = v;
        }
      }
      return;
    }
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int rgb = image.getRGB(x, y);
        int p = offset + y * SIDE + x;
        dest[p] = ((rgb >> 16) & 0xFF) / 255f;
        dest[p + plane] = ((rgb >> 8) & 0xFF) / 255f;
        dest[p + 2 * plane] = (rgb & 0xFF) / 255f;
      }
    }
  }

  /**
   * Reads one image, treating the decoder's warnings of missing data as errors: for a JPEG cut short
   * ImageIO only warns ("Premature end of JPEG file") and returns the image with its missing part
   * filled in, which would train on made-up pixels. PIL refuses such a file too ("image file is
   * truncated"); other warnings (extraneous bytes before a marker) PIL tolerates, and so do we.
   */
  private static BufferedImage readImage(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DatasetFormatException(file, "unreadable JPEG: no image decoder recognises the file" + GET_AGAIN);
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> {
        if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
          warnings.add(warning);
        }
      });
      try {
        reader.setInput(in, true, true);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new DatasetFormatException(file, "damaged JPEG: " + String.join("; ", warnings) + GET_AGAIN);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (DatasetFormatException | java.nio.file.FileSystemException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // decoders throw IIOException for bad markers, and some RuntimeExceptions for bad tables
      throw new DatasetFormatException(file, "unreadable JPEG: " + e.getMessage() + GET_AGAIN, e);
    }
  }

  private static boolean isJpeg(Path f) {
    return Files.isRegularFile(f) && f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(EXTENSION);
  }

  private static List<Path> sortedList(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      // by name as a string: Path ordering is platform-dependent, the order must not be
      return s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
    }
  }

  /** @return what the distribution folder holds, for error messages */
  static String describeFolder() {
    return "the TinyImageNet folder (tiny-imagenet-200/, extracted from tiny-imagenet-200.zip) holds wnids.txt, "
        + "train/<wnid>/images/*.JPEG and val/images/*.JPEG with val/val_annotations.txt; it cannot be downloaded "
        + "here: set path: to the folder";
  }
}
