package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowDatasetsTest {
  @TempDir Path dir;

  /** n images of 3x2x2 with awkward float values (not k/255), shuffled example indices. */
  static ImageDataset dataset(int n) {
    int size = 12;
    float[] px = new float[n * size];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) ((i * 0.618033988749) % 1.0);
    }
    px[0] = 0f;
    px[px.length - 1] = 1f;
    int[] labels = new int[n];
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      indices[i] = 1000 + 7 * (n - i);
    }
    return new ImageDataset(px, labels, indices, 3, 2, 2, 3);
  }

  private static void assertSameDataset(ImageDataset want, ImageDataset got) {
    assertEquals(want.size(), got.size());
    assertEquals(want.channels(), got.channels());
    assertEquals(want.height(), got.height());
    assertEquals(want.width(), got.width());
    assertEquals(want.numClasses(), got.numClasses());
    assertArrayEquals(want.labels(), got.labels());
    assertArrayEquals(want.indices(), got.indices());
    float[] a = want.pixels();
    float[] b = got.pixels();
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      // Bit-identical, not merely close.
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "pixel " + i);
    }
  }

  @Test
  void roundTripIsBitIdenticalAndKeepsMetadata() throws IOException {
    ImageDataset ds = dataset(5);
    Path file = dir.resolve("prepared.arrow");
    ArrowDatasets.write(ds, file);
    assertSameDataset(ds, ArrowDatasets.read(file));

    Schema schema = ArrowTestFiles.facts(file).schema();
    assertEquals(
        Map.of("drelu.format", "image-dataset", "drelu.format_version", "1", "drelu.channels", "3",
            "drelu.height", "2", "drelu.width", "2", "drelu.num_classes", "3"),
        schema.getCustomMetadata());
    assertEquals(List.of("index", "label", "image"), ArrowIo.names(schema));
    assertEquals(new ArrowType.FixedSizeList(12), schema.findField("image").getType());
    assertEquals(
        new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
        schema.findField("image").getChildren().get(0).getType());
  }

  @Test
  void largeDatasetsAreWrittenInBatchesOfAtMost4096Rows() throws IOException {
    ImageDataset ds = dataset(10000);
    Path file = dir.resolve("big.arrow");
    ArrowDatasets.write(ds, file);
    ArrowTestFiles.Facts facts = ArrowTestFiles.facts(file);
    assertEquals(3, facts.batches());
    assertEquals(4096, facts.maxBatchRows());
    assertSameDataset(ds, ArrowDatasets.read(file));
  }

  @Test
  void idxToArrowKeepsEveryPixel() throws IOException {
    // The real pipeline path: IDX in, Arrow out, same dataset back.
    byte[] body = new byte[4 * 28 * 28];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    Path img = Files.write(dir.resolve("img"), IdxReaderTest.idx(0x803, new int[] {4, 28, 28}, body));
    Path lab = Files.write(dir.resolve("lab"), IdxReaderTest.idx(0x801, new int[] {4}, new byte[] {3, 1, 4, 1}));
    ImageDataset ds = IdxReader.read(img, lab, 10);
    Path file = dir.resolve("mnist.arrow");
    ArrowDatasets.write(ds, file);
    assertSameDataset(ds, ArrowDatasets.read(file));
  }

  @Test
  void emptyDatasetRoundTrips() throws IOException {
    ImageDataset empty = dataset(3).select(new int[0]);
    Path file = dir.resolve("empty.arrow");
    ArrowDatasets.write(empty, file);
    assertSameDataset(empty, ArrowDatasets.read(file));
  }

  @Test
  void writeReplacesAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("out.arrow");
    ArrowDatasets.write(dataset(5), file);
    ArrowDatasets.write(dataset(2), file);
    assertEquals(2, ArrowDatasets.read(file).size());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void writtenFileHasTheSamePermissionsAsAnyNewFile() throws IOException {
    // Artifacts are read by other workers: the temp-and-rename must not make them owner-only.
    Path file = dir.resolve("shared.arrow");
    ArrowDatasets.write(dataset(1), file);
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
  }

  @Test
  void nonArrowFile() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.arrow"), "hello, world");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": expected an Arrow IPC file starting with magic \"ARROW1\", got bytes 68 65 6c 6c 6f 2c 20 77",
        e.getMessage());

    Path empty = Files.write(dir.resolve("empty.arrow"), new byte[0]);
    e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(empty));
    assertTrue(e.getMessage().endsWith("got an empty file"), e.getMessage());
  }

  @Test
  void arrowStreamIsNotAnArrowFile() throws IOException {
    Schema schema = ArrowDatasets.schema(3, 2, 2, 3);
    Path file = ArrowTestFiles.write(dir.resolve("stream.arrows"), schema, 0, root -> {}, true);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertTrue(e.getMessage().startsWith(file + ": expected an Arrow IPC file"), e.getMessage());
    assertTrue(e.getMessage().contains("got an Arrow IPC stream"), e.getMessage());
  }

  @Test
  void truncatedFile() throws IOException {
    Path file = dir.resolve("cut.arrow");
    ArrowDatasets.write(dataset(50), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": truncated: expected an Arrow IPC file ending with the footer and magic \"ARROW1\", got "
            + bytes.length / 2 + " bytes without them; the file is damaged: delete its artifact folder " + dir
            + " and run the pipeline again to recompute it (drelu cache verify lists every damaged artifact)",
        e.getMessage());
  }

  /**
   * A file whose footer and magics are intact but whose middle (the record batches) was cut out,
   * as a bad copy can leave it: Arrow's own exception is wrapped with the file name and what to do.
   */
  @Test
  void fileMissingItsMiddleNamesTheFileAndWhatToDo() throws IOException {
    Path file = dir.resolve("holed.arrow");
    ArrowDatasets.write(dataset(50), file);
    byte[] bytes = Files.readAllBytes(file);
    byte[] holed = new byte[bytes.length];
    // zero the second quarter: schema message, footer and magics survive, batch data does not
    System.arraycopy(bytes, 0, holed, 0, bytes.length);
    Arrays.fill(holed, bytes.length / 4, bytes.length / 2, (byte) 0);
    Files.write(file, holed);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().endsWith(ArrowIo.recompute(file)), e.getMessage());
  }

  @Test
  void corruptFooterIsReportedNotThrownRaw() throws IOException {
    Path file = dir.resolve("corrupt.arrow");
    ArrowDatasets.write(dataset(50), file);
    byte[] bytes = Files.readAllBytes(file);
    // The int32 before the trailing magic is the footer length: make it nonsense.
    ByteBuffer.wrap(bytes).putInt(bytes.length - 10, Integer.reverseBytes(-7));
    Files.write(file, bytes);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertTrue(e.getMessage().startsWith(file + ": corrupt Arrow IPC file: "), e.getMessage());
  }

  @Test
  void missingMetadata() throws IOException {
    Schema noMeta = new Schema(ArrowDatasets.schema(3, 2, 2, 3).getFields());
    Path file = ArrowTestFiles.write(dir.resolve("nometa.arrow"), noMeta, 0, root -> {}, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(file + ": expected schema metadata drelu.format, got none (metadata keys: [])", e.getMessage());

    Map<String, String> meta = new java.util.HashMap<>(ArrowDatasets.schema(3, 2, 2, 3).getCustomMetadata());
    meta.remove("drelu.height");
    Path noHeight = ArrowTestFiles.write(dir.resolve("noheight.arrow"),
        new Schema(noMeta.getFields(), meta), 0, root -> {}, false);
    e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(noHeight));
    assertTrue(e.getMessage().startsWith(noHeight + ": expected schema metadata drelu.height, got none"), e.getMessage());

    meta.put("drelu.height", "two");
    Path badHeight = ArrowTestFiles.write(dir.resolve("badheight.arrow"),
        new Schema(noMeta.getFields(), meta), 0, root -> {}, false);
    e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(badHeight));
    assertEquals(badHeight + ": expected schema metadata drelu.height to be a positive integer, got \"two\"",
        e.getMessage());
  }

  @Test
  void unknownFormatVersion() throws IOException {
    Schema good = ArrowDatasets.schema(3, 2, 2, 3);
    Map<String, String> meta = new java.util.HashMap<>(good.getCustomMetadata());
    meta.put("drelu.format_version", "2");
    Path file = ArrowTestFiles.write(dir.resolve("v2.arrow"), new Schema(good.getFields(), meta), 0, root -> {}, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": expected schema metadata drelu.format_version=1 (the version this reader knows), got 2",
        e.getMessage());
  }

  @Test
  void wrongColumnType() throws IOException {
    Schema good = ArrowDatasets.schema(3, 2, 2, 3);
    List<Field> fields = List.of(
        good.getFields().get(0),
        new Field("label", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        good.getFields().get(2));
    Path file = ArrowTestFiles.write(dir.resolve("floatlabels.arrow"),
        new Schema(fields, good.getCustomMetadata()), 1, root -> {
          ((IntVector) root.getVector("index")).setSafe(0, 0);
          ((Float8Vector) root.getVector("label")).setSafe(0, 1.0);
        }, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": expected column \"label\" of type Int(32, true), got FloatingPoint(DOUBLE)", e.getMessage());
  }

  @Test
  void missingColumnAndWrongImageSize() throws IOException {
    Schema good = ArrowDatasets.schema(3, 2, 2, 3);
    Path noLabel = ArrowTestFiles.write(dir.resolve("nolabel.arrow"),
        new Schema(List.of(good.getFields().get(0), good.getFields().get(2)), good.getCustomMetadata()),
        0, root -> {}, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(noLabel));
    assertEquals(
        noLabel + ": expected a column \"label\" of type Int(32, true), got columns [index, image]",
        e.getMessage());

    // Metadata says 3x2x2 = 12 values per image, the column holds 4x4 = 16.
    Schema other = ArrowDatasets.schema(1, 4, 4, 3);
    Path mismatch = ArrowTestFiles.write(dir.resolve("mismatch.arrow"),
        new Schema(other.getFields(), good.getCustomMetadata()), 0, root -> {}, false);
    e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(mismatch));
    assertEquals(
        mismatch + ": expected column \"image\" of type FixedSizeList(12), got FixedSizeList(16)",
        e.getMessage());
  }

  @Test
  void valuesAnImageDatasetRejects() throws IOException {
    Schema schema = ArrowDatasets.schema(1, 1, 2, 2);
    Path file = ArrowTestFiles.write(dir.resolve("bright.arrow"), schema, 1, root -> {
      ((IntVector) root.getVector("index")).setSafe(0, 0);
      ((IntVector) root.getVector("label")).setSafe(0, 1);
      FixedSizeListVector image = (FixedSizeListVector) root.getVector("image");
      image.setNotNull(0);
      ((Float4Vector) image.getDataVector()).setSafe(0, 0.5f);
      ((Float4Vector) image.getDataVector()).setSafe(1, 1.5f);
    }, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": invalid image dataset: pixels must be in [0, 1], but image 0 has: 1.5" + ArrowIo.recompute(file),
        e.getMessage());
  }

  @Test
  void nullsAreRejected() throws IOException {
    Schema schema = ArrowDatasets.schema(1, 1, 2, 2);
    Path file = ArrowTestFiles.write(dir.resolve("nulls.arrow"), schema, 2, root -> {
      ((IntVector) root.getVector("index")).setSafe(0, 0);
      ((IntVector) root.getVector("index")).setNull(1);
      ((IntVector) root.getVector("label")).setSafe(0, 1);
      ((IntVector) root.getVector("label")).setSafe(1, 1);
      FixedSizeListVector image = (FixedSizeListVector) root.getVector("image");
      image.setNotNull(0);
      image.setNotNull(1);
      for (int i = 0; i < 4; i++) {
        ((Float4Vector) image.getDataVector()).setSafe(i, 0.5f);
      }
    }, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(file));
    assertEquals(
        file + ": expected no nulls, got 1 in column \"index\" of the batch starting at row 0"
            + ArrowIo.recompute(file), e.getMessage());
  }
}
