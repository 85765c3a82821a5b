package dev.drelu.data;

import dev.drelu.core.Checks;
import dev.drelu.core.FileTrees;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes small stand-ins for CIFAR-10, CIFAR-100, TinyImageNet and the EDM generated sets, in their
 * true distribution formats, so the smoke variants of those pipelines (and their readers) run on a
 * machine that has none of them. CIFAR and TinyImageNet cannot be downloaded here; Fashion-MNIST is
 * the one real image set a package installs, so its images are the content: padded (and for 64x64
 * scaled) and tinted per image, so the three channels differ as in colour photographs.
 *
 * <p>What is written, under the output folder:
 * <ul>
 *   <li>{@code cifar-10-batches-bin/}: data_batch_1..5.bin and test_batch.bin (1 label byte +
 *       3072 pixel bytes per record, red then green then blue planes) and batches.meta.txt;
 *   <li>{@code cifar-100-binary/}: train.bin and test.bin (coarse label byte, fine label byte,
 *       3072 pixel bytes); the fine label is 10 x the Fashion-MNIST class, the coarse label that class;
 *   <li>{@code tiny-imagenet-200/}: wnids.txt (10 ids), train/&lt;wnid&gt;/images/*.JPEG and
 *       val/images/*.JPEG with val/val_annotations.txt, 64x64 RGB JPEGs;
 *   <li>{@code edm/cifar10/1m.npz}, {@code edm/cifar100/1m.npz}, {@code edm/tiny-imagenet/1m.npz} (where
 *       params/datasets/*-edm.yaml expect the real ones under .drelu/data): uint8
 *       images N x H x W x 3 under "image" and int64 labels under "label", as numpy writes them,
 *       drawn from Fashion-MNIST training images the real stand-ins do not use.
 * </ul>
 *
 * <p>The tree is written into a staging folder and moved into place at the end, so a killed write
 * never leaves a folder that a later run would take for complete.
 */
public final class SmokeData {
  /** Training images per stand-in (CIFAR: 200 per data batch). */
  public static final int TRAIN = 1000;
  /** Test images per stand-in. */
  public static final int TEST = 200;
  /** Images per generated (.npz) stand-in. */
  public static final int GENERATED = 1000;
  /** TinyImageNet stand-in classes (the real set has 200; the reader takes any count from 2). */
  public static final int TINY_CLASSES = 10;

  private static final long TINT_SEED = 20240627L;

  private SmokeData() {}

  /** The folder name the smoke specs' dataset paths go through ({@code .drelu/smoke-data/...}). */
  public static final String FOLDER = "smoke-data";

  /**
   * @return where the shipped smoke specs look: {@code .drelu/smoke-data} in the project root (the
   *     launcher passes {@code -Ddrelu.project.root}; otherwise the working directory)
   */
  public static Path defaultFolder() {
    String root = System.getProperty("drelu.project.root", ".");
    return Path.of(root).toAbsolutePath().normalize().resolve(".drelu").resolve(FOLDER);
  }

  /**
   * The smoke-data folder a dataset path lies in, if it lies in one ({@code .../.drelu/smoke-data/...}),
   * so a run of a smoke spec can write the stand-ins before it reads them.
   *
   * @param datasetPath a dataset or .npz path, or null
   * @return the {@code smoke-data} folder, or null if the path is not under one
   */
  public static Path folderOf(String datasetPath) {
    if (datasetPath == null) {
      return null;
    }
    for (Path p = Path.of(datasetPath).toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      Path name = p.getFileName();
      Path parent = p.getParent();
      if (name != null && name.toString().equals(FOLDER) && parent != null && parent.getFileName() != null
          && parent.getFileName().toString().equals(".drelu")) {
        return p;
      }
    }
    return null;
  }

  /**
   * Writes the stand-ins if the dataset reads from a smoke-data folder that does not exist yet, so a
   * smoke spec runs on a fresh machine with no extra step.
   *
   * @param dataset the spec's dataset
   * @return the folder written, or null if nothing had to be written
   * @throws IOException if Fashion-MNIST cannot be read or a file cannot be written
   */
  public static Path ensureFor(DatasetParams dataset) throws IOException {
    Path folder = folderOf(dataset.path());
    if (folder == null && dataset.generated() != null) {
      folder = folderOf(dataset.generated().path());
    }
    if (folder == null || Files.isDirectory(folder)) {
      return null;
    }
    return write(Path.of(DatasetPreparer.FASHION_MNIST), folder) ? folder : null;
  }

  /**
   * Writes the stand-ins into {@code out} unless it already exists.
   *
   * @param fashionMnist the folder of Fashion-MNIST's four IDX files
   * @param out the folder to create
   * @return true if written, false if {@code out} existed already
   * @throws IOException if Fashion-MNIST cannot be read or a file cannot be written
   */
  public static boolean write(Path fashionMnist, Path out) throws IOException {
    if (Files.isDirectory(out)) {
      return false;
    }
    ImageDataset train = IdxReader.read(DatasetPreparer.idxFile(fashionMnist, "train-images-idx3-ubyte"),
        DatasetPreparer.idxFile(fashionMnist, "train-labels-idx1-ubyte"), 10);
    ImageDataset test = IdxReader.read(DatasetPreparer.idxFile(fashionMnist, "t10k-images-idx3-ubyte"),
        DatasetPreparer.idxFile(fashionMnist, "t10k-labels-idx1-ubyte"), 10);
    Checks.atLeast("Fashion-MNIST training images", train.size(), TRAIN + GENERATED);
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = parent.resolve(".staging-" + out.getFileName() + "-" + UUID.randomUUID());
    try {
      writeCifar10(train, test, staging.resolve("cifar-10-batches-bin"));
      writeCifar100(train, test, staging.resolve("cifar-100-binary"));
      writeTinyImageNet(train, test, staging.resolve("tiny-imagenet-200"));
      Path edm = Files.createDirectories(staging.resolve("edm"));
      writeNpz(train, TRAIN, GENERATED, 32, 1, Files.createDirectories(edm.resolve("cifar10")).resolve("1m.npz"));
      writeNpz(train, TRAIN, GENERATED, 32, 10, Files.createDirectories(edm.resolve("cifar100")).resolve("1m.npz"));
      writeNpz(train, TRAIN, GENERATED, 64, 1, Files.createDirectories(edm.resolve("tiny-imagenet")).resolve("1m.npz"));
      Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        FileTrees.deleteTree(staging);
      }
    }
    return true;
  }

  /**
   * One Fashion-MNIST image as an RGB picture of the given side: scaled by the largest whole factor
   * that fits, centred on black, and tinted by a per-image colour.
   *
   * @return planes red, green, blue, each side x side, values 0..255
   */
  static int[] rgb(ImageDataset d, int i, int side) {
    int src = d.width();
    int scale = Math.max(1, side / src);
    int offset = (side - src * scale) / 2;
    float[] grey = new float[d.imageSize()];
    d.copyImage(i, grey, 0);
    Random r = new Random(TINT_SEED + d.index(i));
    float[] gain = {0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat()};
    int[] planes = new int[3 * side * side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int sy = (y - offset) / scale;
        int sx = (x - offset) / scale;
        if (y < offset || x < offset || sy >= src || sx >= src) {
          continue;
        }
        float v = grey[sy * src + sx];
        for (int c = 0; c < 3; c++) {
          planes[c * side * side + y * side + x] = Math.round(255 * v * gain[c]);
        }
      }
    }
    return planes;
  }

  private static byte[] cifarRecord(ImageDataset d, int i, byte... labels) {
    int[] planes = rgb(d, i, CifarReader.SIDE);
    byte[] rec = new byte[labels.length + planes.length];
    System.arraycopy(labels, 0, rec, 0, labels.length);
    for (int k = 0; k < planes.length; k++) {
      rec[labels.length + k] = (byte) planes[k];
    }
    return rec;
  }

  private static void writeCifar10(ImageDataset train, ImageDataset test, Path dir) throws IOException {
    Files.createDirectories(dir);
    int perBatch = TRAIN / 5;
    for (int b = 0; b < 5; b++) {
      try (OutputStream o = out(dir.resolve("data_batch_" + (b + 1) + ".bin"))) {
        for (int i = b * perBatch; i < (b + 1) * perBatch; i++) {
          o.write(cifarRecord(train, i, (byte) train.label(i)));
        }
      }
    }
    try (OutputStream o = out(dir.resolve("test_batch.bin"))) {
      for (int i = 0; i < TEST; i++) {
        o.write(cifarRecord(test, i, (byte) test.label(i)));
      }
    }
    Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", List.of("t-shirt", "trouser",
        "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot")) + "\n");
  }

  private static void writeCifar100(ImageDataset train, ImageDataset test, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (OutputStream o = out(dir.resolve("train.bin"))) {
      for (int i = 0; i < TRAIN; i++) {
        o.write(cifarRecord(train, i, (byte) train.label(i), (byte) (10 * train.label(i))));
      }
    }
    try (OutputStream o = out(dir.resolve("test.bin"))) {
      for (int i = 0; i < TEST; i++) {
        o.write(cifarRecord(test, i, (byte) test.label(i), (byte) (10 * test.label(i))));
      }
    }
  }

  private static String wnid(int label) {
    return String.format("n%08d", 1000 + label);
  }

  private static void writeTinyImageNet(ImageDataset train, ImageDataset test, Path dir) throws IOException {
    List<String> wnids = new ArrayList<>();
    for (int c = 0; c < TINY_CLASSES; c++) {
      wnids.add(wnid(c));
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("wnids.txt"), String.join("\n", wnids) + "\n");
    for (String w : wnids) {
      Files.createDirectories(dir.resolve("train").resolve(w).resolve("images"));
    }
    for (int i = 0; i < TRAIN; i++) {
      String w = wnid(train.label(i));
      jpeg(rgb(train, i, 64), dir.resolve("train").resolve(w).resolve("images").resolve(w + "_" + i + ".JPEG"));
    }
    Path val = Files.createDirectories(dir.resolve("val").resolve("images"));
    StringBuilder annotations = new StringBuilder();
    for (int i = 0; i < TEST; i++) {
      String file = "val_" + i + ".JPEG";
      jpeg(rgb(test, i, 64), val.resolve(file));
      annotations.append(file).append('\t').append(wnid(test.label(i))).append("\t0\t0\t63\t63\n");
    }
    Files.writeString(dir.resolve("val").resolve("val_annotations.txt"), annotations.toString());
  }

  private static void jpeg(int[] planes, Path file) throws IOException {
    int side = (int) Math.round(Math.sqrt(planes.length / 3.0));
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int area = side * side;
    for (int p = 0; p < area; p++) {
      img.setRGB(p % side, p / side, planes[p] << 16 | planes[area + p] << 8 | planes[2 * area + p]);
    }
    if (!ImageIO.write(img, "jpeg", file.toFile())) {
      throw new IOException("this Java runtime has no JPEG writer, needed for " + file);
    }
  }

  /** Images [from, from + count) as uint8 N x side x side x 3 (channels last, as numpy stores them). */
  private static void writeNpz(ImageDataset d, int from, int count, int side, int labelScale, Path file)
      throws IOException {
    byte[] images = new byte[count * side * side * 3];
    ByteBuffer labels = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
    int area = side * side;
    for (int n = 0; n < count; n++) {
      int[] planes = rgb(d, from + n, side);
      for (int p = 0; p < area; p++) {
        for (int c = 0; c < 3; c++) {
          images[(n * area + p) * 3 + c] = (byte) planes[c * area + p];
        }
      }
      labels.putLong((long) labelScale * d.label(from + n));
    }
    try (ZipOutputStream zip = new ZipOutputStream(out(file))) {
      entry(zip, "image.npy", npy("|u1", "(" + count + ", " + side + ", " + side + ", 3)", images));
      entry(zip, "label.npy", npy("<i8", "(" + count + ",)", labels.array()));
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] body) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(body);
    zip.closeEntry();
  }

  /**
   * A version 1.0 .npy file as numpy writes it: magic, version, little-endian header length, the
   * header dict padded with spaces and ended by a newline so the data starts on a 64-byte boundary.
   */
  static byte[] npy(String descr, String shape, byte[] body) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int pre = 10;
    int total = pre + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(pre + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.put(body);
    return b.array();
  }

  private static OutputStream out(Path file) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(file));
  }
}
